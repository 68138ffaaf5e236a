/**
 * The native addon's binary, found the way node-gyp-build finds it (the peer: @datadog/pprof loads
 * its binary through it) without loading node-gyp-build where the answer is plain.
 */
import { dirname, join } from 'node:path';
import { loadNativeAddon, prebuiltBinding } from '../../src/sampler/native-addon';

const dir = dirname(require.resolve('@datadog/pprof/package.json'));

test('on this machine the binary is the one node-gyp-build picks, and it loads', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeGypBuild = require(require.resolve('node-gyp-build', { paths: [dir] })) as { path: (d: string) => string };
  const env = { PATH: process.env.PATH };
  expect(prebuiltBinding(dir, env)).toBe(nodeGypBuild.path(dir));
  expect(typeof loadNativeAddon().TimeProfiler).toBe('function');
});

test('overrides, a local build, musl and missing files go through node-gyp-build', () => {
  const plain = prebuiltBinding(dir, {});
  expect(plain).toBe(join(dir, 'prebuilds', `${process.platform}-${process.arch}`, `dd_pprof.node.abi${process.versions.modules}.node`));
  for (const name of ['DD_PPROF_PREBUILD', 'PREBUILDS_ONLY', 'LIBC', 'npm_config_arch', 'npm_config_platform', 'ELECTRON_RUN_AS_NODE']) {
    expect({ name, found: prebuiltBinding(dir, { [name]: '1' }) }).toEqual({ name, found: undefined });
  }
  const existsBut = (also: string) => (p: string): boolean => p === plain || p === also;
  expect(prebuiltBinding(dir, {}, existsBut(join(dir, 'build')))).toBeUndefined();
  if (process.platform === 'linux') expect(prebuiltBinding(dir, {}, existsBut('/etc/alpine-release'))).toBeUndefined();
  expect(prebuiltBinding(dir, {}, () => false)).toBeUndefined();
  expect(prebuiltBinding(dir, {}, existsBut(''))).toBe(plain);
});
