/**
 * V8 logs code to the profiler's code map as it is compiled while a profile runs, and logs older
 * code when the profiler starts, except on-stack-replacement (OSR) code (Node 22, 24 and 26 measured;
 * bench/osr-frames.js): samples in a loop running such code lose that function's frame. A sampler
 * run keeps V8's profile going across window rotations, so code compiled in one window must still
 * be named in the next; a rotation that stopped and restarted V8's profile would lose it here.
 */
import { openCpuWindow } from '../../src/sampler';
import { namedBurner } from './helpers';

describe.each(['native', 'inspector'] as const)('%s backend', (backend) => {
  test('a function whose loop was compiled in an earlier window keeps its frames in the next', () => {
    const burn = namedBurner('burnAcrossRotation');
    const w = openCpuWindow({ backend, hz: 200 });
    // One long call: its loop gets OSR code while the window runs.
    burn(300);
    w.rotate();
    // A new call enters the same loop, which jumps into that OSR code again.
    burn(300);
    const next = w.close();
    let busy = 0;
    let named = 0;
    for (const s of next.samples) {
      if (s.idle || s.stack.length === 0) continue;
      busy++;
      if (s.stack.some((f) => f.functionName === 'burnAcrossRotation')) named++;
    }
    expect(busy).toBeGreaterThanOrEqual(10);
    expect({ busy, namedShare: named / busy >= 0.7 }).toEqual({ busy, namedShare: true });
  });
});
