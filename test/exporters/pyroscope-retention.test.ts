/**
 * An upload can wait on the network for seconds (and retries for longer); the profiles it came
 * from must not wait with it. Only their encoded bytes are needed, and profiles kept reachable
 * through an upload survive the app's scavenges, which V8 counts towards growing its young
 * generation (bench/RESULTS.md, twenty-seventh pass). Before, the export's suspended frames held the
 * batch, and the encoded entries each held their profile, until the upload ended.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ExportResultCode, type ExportResult } from '../../exporters/types';
import { PyroscopeExporter } from '../../exporters/pyroscope';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { batchOf } from './pyroscope-fixtures';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let collector: PyroscopeCollector;
let exporter: PyroscopeExporter | undefined;
beforeEach(async () => { collector = await startPyroscopeCollector(); });
afterEach(async () => {
  await collector.stop();
  await exporter?.shutdown();
});

/** Starts exporting a batch of three profiles; only weak references to them stay here. */
function exportWatched(e: PyroscopeExporter): { result: Promise<ExportResult>; profiles: Array<WeakRef<object>> } {
  const batch = batchOf(['cpu', 'wall', 'heap']);
  return { result: e.export(batch), profiles: batch.profiles.map((p) => new WeakRef(p.profile)) };
}

test.each(['push', 'ingest'] as const)('%s: profiles in an upload that has not been answered are collectable', async (route) => {
  collector.setFault({ kind: 'hang' });
  exporter = new PyroscopeExporter({ endpoint: collector.url, route, timeoutMillis: 60_000, maxAttempts: 1 });
  const { result, profiles } = exportWatched(exporter);
  // A request has reached the collector: every profile of the batch is encoded, the upload in flight.
  await collector.waitFor(() => collector.requests.length > 0);
  gc();
  expect(profiles.map((r) => r.deref() === undefined)).toEqual([true, true, true]);
  // The upload itself is still pending and settles (as a failure) when the collector goes away.
  collector.setFault(undefined);
  await collector.stop();
  await exporter.shutdown();
  expect((await result).code).toBe(ExportResultCode.FAILED);
});
