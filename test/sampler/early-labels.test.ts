/**
 * A one-off CPU profile sees the labels of tasks that entered them before it started (a
 * long-lived worker loop inside runWithLabels), as Go's profiles see the labels of goroutines
 * started with pprof.Do long before. On AsyncContextFrame runtimes (Node 24+) the sample context
 * must already be in the task's frame when the profile starts; elsewhere the bridge's hooks
 * find it at the task's next callback. Fresh child processes: first label use is process-wide.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt } from '../package/consumer';

beforeAll(() => ensureBuilt());

interface Counts { total: number; labelled: number; unlabelled: Array<{ leaf: string; depth: number; labels: string[] }> }

type Result = Record<'first' | 'second' | 'inspector' | 'afterOthers', Counts>;

function runFixture(env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'fixtures', 'early-labels.js')], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as Result);
    });
  });
}

test.each([
  ['native', '0'],
  ['native', '1'],
  ['inspector', '1'],
])('a task labelled before the profile started keeps its labels (%s, OTel context manager: %s)', async (backend, otel) => {
  const r = await runFixture({ OTELPROF_SAMPLER: backend, EARLY_LABELS_OTEL: otel });
  // The two first profiles, then one on the inspector and one after a profile at another rate.
  for (const profile of ['first', 'second', 'inspector', 'afterOthers'] as const) {
    const c = r[profile];
    // 100 rounds of a 4 ms burn: about 40 samples of 10 ms.
    expect(c.total).toBeGreaterThan(15);
    // On failure the diff names the profile and shows the unlabelled samples' leaves and labels.
    expect({ profile, share: c.labelled / c.total >= 0.95, unlabelled: c.unlabelled }).toEqual({ profile, share: true, unlabelled: c.unlabelled });
  }
});
