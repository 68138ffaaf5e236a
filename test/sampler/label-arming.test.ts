/**
 * Label propagation costs nothing until labels are used: profiling starts without a label
 * source, and the first runWithLabels turns it on at once, so its samples are labelled.
 * Runs in a fresh child process (label use is process-wide state).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt } from '../package/consumer';

beforeAll(() => ensureBuilt());

test.each(['native', 'inspector'])('no label source before first use; labelled samples right after (%s)', async (backend) => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'fixtures', 'label-arming.js')], { env: { ...process.env, OTELPROF_SAMPLER: backend } }, (err, stdout, stderr) =>
      (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  const r = JSON.parse(out.trim().split('\n').pop() as string) as { before: boolean; after: boolean; total: number; labelled: number; waitersBefore: number };
  expect(r.waitersBefore).toBe(1);
  expect(r.before).toBe(false);
  expect(r.after).toBe(true);
  expect(r.total).toBeGreaterThan(5);
  // The burn runs entirely inside runWithLabels: nearly every sample of it is labelled (the
  // fixture counts only samples with armedBurn on the stack).
  expect(r.labelled / r.total).toBeGreaterThan(0.8);
});
