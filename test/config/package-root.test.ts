import * as root from '../../src';
import type { ConfigIssue, ProfilingConfig, ProfilingOptions } from '../../src';

test('resolveConfig and the option types are exported from the package root', () => {
  const options: ProfilingOptions = { serviceName: 'svc', uploadIntervalMillis: 2000 };
  const config: ProfilingConfig = root.resolveConfig(options, { OTELPROF_CPU_HZ: 'bad' });
  const issues: readonly ConfigIssue[] = config.issues;
  expect([config.serviceName, config.uploadIntervalMillis]).toEqual(['svc', 2000]);
  expect(issues.map((i) => i.variable)).toEqual(['OTELPROF_CPU_HZ']);
  expect(() => root.resolveConfig({ cpuHz: -1 })).toThrow(root.InvalidArgumentError);
});
