import { lookup } from '../../src/profiles';
import { setMutexProfileFraction } from '../../src/profiles/builtin-mutex';
import { Mutex, Semaphore } from '../../src/sync';
import { delta, decode, encode } from '../../src/pprof';
import { goPprofOn } from '../support/go-pprof';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt } from '../package/consumer';
import { collect, decodeSamples, sumFor } from './helpers';

const mutex = (): NonNullable<ReturnType<typeof lookup>> => {
  const p = lookup('mutex');
  if (!p) throw new Error('mutex profile missing');
  return p;
};

function work(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Holds the lock for a few ms, then releases it: the stack the waiters' delay is charged to. */
async function holdLock(m: Mutex): Promise<void> {
  await m.lock();
  await work(3);
  m.unlock();
}

async function holdWithRunExclusive(m: Mutex): Promise<void> {
  await m.runExclusive(() => work(3));
}

afterEach(() => { setMutexProfileFraction(0); });

describe('mutex profile', () => {
  it('setMutexProfileFraction returns the previous value; negative only reads', () => {
    expect(setMutexProfileFraction(5)).toBe(0);
    expect(setMutexProfileFraction(-1)).toBe(5);
    expect(setMutexProfileFraction(1)).toBe(5);
    expect(setMutexProfileFraction(0)).toBe(1);
  });

  it.each([[1.5], [Number.NaN], [Infinity]])('rejects fraction %p', (n) => {
    expect(() => setMutexProfileFraction(n)).toThrow(expect.objectContaining({
      code: 'PPROF_ERR_INVALID_ARG', message: `setMutexProfileFraction: rate must be an integer (got ${String(n)})`,
    }));
  });

  it('charges 10 contending tasks to the holder that released the lock', async () => {
    setMutexProfileFraction(1);
    const before = decode(await collect(mutex(), 0));
    const m = new Mutex();
    await Promise.all(Array.from({ length: 10 }, () => holdLock(m)));
    const after = decode(await collect(mutex(), 0));
    const { sampleTypes, samples } = decodeSamples(encode(delta(before, after)));
    expect(sampleTypes).toEqual(['contentions/count', 'delay/nanoseconds']);
    // The first task takes the lock at once; the other 9 wait, each handed over by holdLock's unlock().
    expect(sumFor(samples, 'holdLock', 0)).toBe(9);
    const total = samples.reduce((a, s) => a + s.values[1], 0);
    expect(sumFor(samples, 'holdLock', 1)).toBe(total);
    // Waiters queued behind each other: 3+6+...+27 ms in total, at least most of it.
    expect(total).toBeGreaterThan(100e6);
    expect(samples.every((s) => s.stack[0] === 'holdLock')).toBe(true);

    const text = (await collect(mutex(), 1)).toString();
    expect(text).toMatch(/^--- mutex:\ncycles\/second=1000000000\nsampling period=1\n\d+ \d+ @ 0x/);
    const top = await goPprofOn(await collect(mutex(), 0), ['-top', '-sample_index=delay']);
    expect(top).toMatch(/holdLock/);
  });

  it('sees the releaser through runExclusive (async stack)', async () => {
    setMutexProfileFraction(1);
    const before = decode(await collect(mutex(), 0));
    const m = new Mutex();
    await Promise.all(Array.from({ length: 4 }, () => holdWithRunExclusive(m)));
    const after = decode(await collect(mutex(), 0));
    const { samples } = decodeSamples(encode(delta(before, after)));
    expect(sumFor(samples, 'holdWithRunExclusive', 0)).toBe(3);
  });

  it('records nothing when off, and samples 1 in n scaled by n', async () => {
    const s = new Semaphore(1);
    const contend = async (rounds: number): Promise<void> => {
      for (let i = 0; i < rounds; i++) {
        await s.acquire();
        const waiter = s.acquire();
        s.release();
        await waiter;
        s.release();
      }
    };
    const off0 = decode(await collect(mutex(), 0));
    await contend(50);
    const off1 = decode(await collect(mutex(), 0));
    expect(delta(off0, off1).samples.length).toBe(0);

    setMutexProfileFraction(4);
    await contend(2000);
    const on1 = decode(await collect(mutex(), 0));
    const { samples } = decodeSamples(encode(delta(off1, on1)));
    const scaled = samples.reduce((a, x) => a + x.values[0], 0);
    // Binomial(2000, 1/4) × 4: mean 2000, sd ≈ 77; allow 5 sd.
    expect(scaled % 4).toBe(0);
    expect(Math.abs(scaled - 2000)).toBeLessThan(400);
  });
});

describe('mutex profile in a process without labels', () => {
  beforeAll(() => ensureBuilt());

  it('records contention without loading @opentelemetry/api (no context can carry labels yet)', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [join(__dirname, 'fixtures', 'mutex-no-otel-api.js')], (err, stdout, stderr) =>
        (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    const r = JSON.parse(out.trim().split('\n').pop() as string) as { before: boolean; afterContention: boolean; text: string };
    expect(r.before).toBe(false);
    expect(r.afterContention).toBe(false);
    // The contention is in the profile: one event, charged to contend's unlock.
    expect(r.text).toMatch(/^--- mutex:\ncycles\/second=\d+\nsampling period=1\n\d+ 1 @/);
    expect(r.text).toContain('contend');
  });
});
