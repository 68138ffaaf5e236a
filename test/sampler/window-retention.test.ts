/**
 * A rotated window's samples must die with the last reference to it, in the next scavenges, not
 * wait for a mark-compact. Their columns are array buffers outside the JS heap; a quiet process
 * can go an hour without a mark-compact, and a 10 s window at 100 Hz holds about 25 KB of them.
 * Before the sampler made each window's column set at its first read, the set was made at the
 * previous rotation and was old by the next one: the columns that read wrote into it outlived the
 * window (about 40 bytes per sample here), and so did a set stored in the old window record.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openCpuWindow, type CpuWindow } from '../../src/sampler';
import { setCpuEarlyReadMillis } from '../../src/sampler/cpu-sampler';
import { burnInSlices } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

const arrayBufferBytes = (): number => process.memoryUsage().arrayBuffers;

/** Rotates and drops the window: no frame of the caller holds it while the scavenges run. */
function rotateAndDrop(w: CpuWindow): number {
  return w.rotate().samples.length;
}

/** One window: samples for `ms`, then rotated, dropped and two scavenges (enough to promote). */
async function oneWindow(w: CpuWindow, ms: number): Promise<number> {
  await burnInSlices(ms, 10);
  const n = rotateAndDrop(w);
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  return n;
}

let previousEarly = 0;
beforeEach(() => {
  previousEarly = setCpuEarlyReadMillis(0);
});
afterEach(() => {
  setCpuEarlyReadMillis(previousEarly);
});

test('rotated windows leave no array buffers behind through scavenges', async () => {
  const w = openCpuWindow({ hz: 1000 });
  try {
    // Two windows first: the old generation holds the sampler's own records from then on.
    for (let i = 0; i < 2; i++) await oneWindow(w, 100);
    const before = arrayBufferBytes();
    let samples = 0;
    for (let i = 0; i < 20; i++) samples += await oneWindow(w, 100);
    const grown = arrayBufferBytes() - before;
    // The windows carried at least a few hundred samples (the columns take 25 bytes a sample).
    expect(samples).toBeGreaterThan(500);
    // Kept, they grew it by about 40 bytes a sample; dropped, by nothing but noise.
    expect(grown / samples).toBeLessThan(5);
  } finally {
    w.close();
  }
});
