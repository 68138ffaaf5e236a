/**
 * The type declarations shipped in dist/ compile for a tiny TypeScript consumer, both as CommonJS
 * (`moduleResolution: node`) and as ESM (`nodenext`, resolved through the "types" export condition).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, makeConsumerProject, runTsc } from './consumer';

const consumerSource = `
import { InvalidArgumentError, OtelprofError, Mutex, ProfilingAlreadyStartedError, startProfiling } from 'otelprof';
const err: OtelprofError = new InvalidArgumentError('bad value');
const code: string = err.code;
// Names loaded on first use (declared, not re-exported): a class is a value and a type.
const lock: Mutex = new Mutex();
function isTaken(e: unknown): string | undefined {
  return e instanceof ProfilingAlreadyStartedError ? e.message : undefined;
}
const start: typeof startProfiling = startProfiling;
export { code, lock, isTaken, start };
`;

// Declarations that resolved to \`any\` would accept this; real ones must reject it.
const misuseSource = `
import { OtelprofError } from 'otelprof';
const n: number = new OtelprofError('PPROF_ERR_X', 'message');
export { n };
`;

let project: string;

beforeAll(async () => {
  await ensureBuilt();
  project = makeConsumerProject();
  writeFileSync(join(project, 'consumer.ts'), consumerSource);
  writeFileSync(join(project, 'consumer.mts'), consumerSource);
  writeFileSync(join(project, 'misuse.ts'), misuseSource);
});

// skipLibCheck stays off so errors inside our .d.ts files are reported too.
const strict = ['--noEmit', '--strict', '--skipLibCheck', 'false', '--types', 'node', '--target', 'es2022'];

describe('type declarations', () => {
  it('compile for a CommonJS TypeScript consumer', async () => {
    const res = await runTsc(project, [...strict, '--module', 'commonjs', '--moduleResolution', 'node', 'consumer.ts']);
    expect(res.stdout + res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('compile for an ESM TypeScript consumer through the "types" export condition', async () => {
    const res = await runTsc(project, [...strict, '--module', 'nodenext', '--moduleResolution', 'nodenext', 'consumer.mts']);
    expect(res.stdout + res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('are real types, not any: a misuse fails to compile', async () => {
    const res = await runTsc(project, [...strict, '--module', 'commonjs', '--moduleResolution', 'node', 'misuse.ts']);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toContain("Type 'OtelprofError' is not assignable to type 'number'");
  });
});
