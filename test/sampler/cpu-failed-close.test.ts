/**
 * A window whose closing read fails is closed all the same. Left in the sampler it would take
 * every later read's samples (the drain's too) with no one to hand them to, and as the last window
 * it would keep V8's profiler running for the life of the process. The failure is made where the
 * sampler meets V8: the addon's read, or the inspector console's profile end, throws once.
 */
import inspector from 'node:inspector';
import { cpuSamplerState, openCpuWindow } from '../../src/sampler';
import { setCpuEarlyReadMillis } from '../../src/sampler/cpu-sampler';
import { loadNativeAddon } from '../../src/sampler/native-addon';
import { burn } from './helpers';

let previousEarly = 0;
beforeEach(() => {
  // No read of the sampler's own may come between the steps below.
  previousEarly = setCpuEarlyReadMillis(0);
});
afterEach(() => {
  setCpuEarlyReadMillis(previousEarly);
});

/** Makes the backend's next read of V8's profile throw `err` (once, before V8 is touched). */
function failNextRead(backend: 'native' | 'inspector', err: Error): void {
  if (backend === 'native') {
    const proto = loadNativeAddon().TimeProfiler.prototype as { stopAndCollect: (...a: unknown[]) => unknown };
    const original = proto.stopAndCollect;
    proto.stopAndCollect = function failOnce() {
      proto.stopAndCollect = original;
      throw err;
    };
  } else {
    const original = inspector.console.profileEnd;
    inspector.console.profileEnd = function failOnce() {
      inspector.console.profileEnd = original;
      throw err;
    };
  }
}

describe.each(['native', 'inspector'] as const)('%s backend', (backend) => {
  test('the last window closes though its read failed: the sampler stops, and a new window samples afresh', () => {
    const w = openCpuWindow({ hz: 100, backend });
    burn(50);
    const err = new Error('read failed (test)');
    failNextRead(backend, err);
    expect(() => w.close()).toThrow(err);
    expect(w.closed).toBe(true);
    expect(cpuSamplerState()).toMatchObject({ running: false, windows: 0 });

    const openedAt = Date.now() * 1000;
    const next = openCpuWindow({ hz: 100, backend });
    expect(cpuSamplerState()).toMatchObject({ running: true, windows: 1, backend });
    burn(100);
    const raw = next.close();
    expect(raw.samples.length).toBeGreaterThan(0);
    // Only the new window's samples: none from before the failed close.
    for (const s of raw.samples) expect(s.timestampMicros).toBeGreaterThanOrEqual(openedAt - 5_000);
    expect(cpuSamplerState()).toMatchObject({ running: false, windows: 0 });
  });

  test('a window that is not the last closes though its read failed; the other goes on with every later sample', () => {
    const keep = openCpuWindow({ hz: 100, backend });
    const failing = openCpuWindow({ hz: 100, backend });
    burn(50);
    failNextRead(backend, new Error('read failed (test)'));
    expect(() => failing.close()).toThrow('read failed (test)');
    expect(cpuSamplerState()).toMatchObject({ running: true, windows: 1 });

    const failedAt = Date.now() * 1000;
    burn(100);
    const raw = keep.close();
    const after = [...raw.samples].filter((s) => s.timestampMicros > failedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(cpuSamplerState()).toMatchObject({ running: false, windows: 0 });
  });
});
