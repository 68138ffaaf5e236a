import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startOtlpCollector, type OtlpCollector } from '../support/otlp-collector';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';

/**
 * A malformed batch (here `null`, from JS code that bypasses the types) must settle as `invalid`
 * and leave the exporter working; it must never reach the host as an unhandled rejection. Run
 * in a plain node child: jest forgives a rejection that is handled late, Node's default
 * (`--unhandled-rejections=throw`) kills the process.
 */
describe('exporters given a malformed batch in a plain node host', () => {
  let pyroscope: PyroscopeCollector;
  let otlp: OtlpCollector;
  beforeAll(async () => {
    pyroscope = await startPyroscopeCollector();
    otlp = await startOtlpCollector();
  });
  afterAll(async () => {
    await pyroscope.stop();
    await otlp.close();
  });

  it('settles it as invalid, never crashes the host, and keeps exporting', async () => {
    const fixtures = join(__dirname, 'fixtures');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // The otel tests' hook: it runs the TypeScript sources, so dist/ need not be rebuilt.
      const registerTs = join(__dirname, '..', 'otel', 'fixtures', 'register-ts.js');
      const child = execFile(process.execPath, ['-r', registerTs, join(fixtures, 'malformed-batch-app.ts'), pyroscope.url, otlp.url],
        { cwd: join(__dirname, '..', '..'), timeout: 60_000 }, (_err, out, err) => resolve({ code: child.exitCode, stdout: out, stderr: err }));
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      pyroscope: ['ok', 'invalid', 'ok'],
      otlp: ['ok', 'invalid', 'ok'],
      file: ['ok', 'invalid', 'ok'],
    });
    expect(pyroscope.series.length).toBeGreaterThanOrEqual(4);
    expect(otlp.received).toHaveLength(2);
  });
});
