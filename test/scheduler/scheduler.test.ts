import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '../../src/pprof';
import { newProfile } from '../../src/profiles';
import { Scheduler } from '../../src/scheduler/scheduler';
import { cpuWallCollector, deltaCollector, snapshotCollector } from '../../src/scheduler/collectors';
import { FileExporter } from '../../exporters/file';
import type { ExportResult, ProfileBatch, ProfileExporter } from '../../exporters/types';
import { goPprofOn } from '../support/go-pprof';

/** Keeps every batch it is given: the scheduler's consumer side, as an exporter sees it. */
class RecordingExporter implements ProfileExporter {
  readonly batches: ProfileBatch[] = [];
  private _waiters: Array<() => void> = [];
  async export(batch: ProfileBatch): Promise<ExportResult> {
    this.batches.push(batch);
    this._waiters.splice(0).forEach((w) => w());
    return { code: 0 };
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
  next(): Promise<void> {
    return new Promise((resolve) => this._waiters.push(resolve));
  }
}

function schedulerBusyWork(ms: number): number {
  let x = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

test('periods are contiguous, cover every enabled type, and land as files go tool pprof reads', async () => {
  const custom = newProfile('otelprof.test/scheduler-custom');
  custom.add({ held: true });
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-sched-'));
  const recorder = new RecordingExporter();
  const scheduler = new Scheduler({
    periodMillis: 400,
    collectors: [cpuWallCollector({ cpu: true, wall: true }), snapshotCollector('heap'), deltaCollector('goroutine'), snapshotCollector('otelprof.test/scheduler-custom')],
    exporters: [recorder, new FileExporter({ directory: dir })],
    seriesLabels: { service_name: 'sched-test' },
    shutdownTimeoutMillis: 5000,
    random: () => 0.5,
  });
  // Keep the loop busy with short slices so timers still fire.
  let running = true;
  const burn = (): void => {
    if (!running) return;
    schedulerBusyWork(10);
    setImmediate(burn);
  };
  burn();
  while (recorder.batches.length < 3) await recorder.next();
  running = false;
  await scheduler.shutdown();

  const batches = recorder.batches;
  for (let i = 1; i < batches.length; i++) expect(batches[i].startNanos).toBe(batches[i - 1].endNanos);
  for (const b of batches) {
    expect(b.endNanos > b.startNanos).toBe(true);
    expect(b.profiles.map((p) => p.type).sort()).toEqual(['cpu', 'goroutine', 'heap', 'otelprof.test/scheduler-custom', 'wall']);
    expect(b.seriesLabels).toEqual({ service_name: 'sched-test' });
  }
  // Most of the CPU window's samples land in the busy function.
  const cpu = batches[1].profiles.find((p) => p.type === 'cpu')!.profile;
  expect(cpu.samples.length).toBeGreaterThan(0);

  const files = readdirSync(dir).filter((f) => f.startsWith('sched-test.cpu.'));
  expect(files.length).toBeGreaterThanOrEqual(3);
  const bytes = readFileSync(join(dir, files[1]));
  expect(decode(bytes).sampleTypes.map((t) => t.type)).toEqual(['samples', 'cpu']);
  const top = await goPprofOn(bytes, ['-top']);
  expect(top).toContain('schedulerBusyWork');
  custom.remove({ held: true });
});

test('shutdown is idempotent and sends the last window', async () => {
  const recorder = new RecordingExporter();
  const scheduler = new Scheduler({
    periodMillis: 60_000,
    collectors: [snapshotCollector('heap')],
    exporters: [recorder],
    seriesLabels: { service_name: 'sched-test' },
    shutdownTimeoutMillis: 5000,
  });
  const a = scheduler.shutdown();
  expect(scheduler.shutdown()).toBe(a);
  await a;
  expect(recorder.batches).toHaveLength(1);
  expect(recorder.batches[0].profiles[0].type).toBe('heap');
});

test('a failing collector is counted and does not stop the others', async () => {
  const recorder = new RecordingExporter();
  const scheduler = new Scheduler({
    periodMillis: 60_000,
    collectors: [snapshotCollector('heap'), { types: ['broken'], collect: () => Promise.reject(new Error('boom')), close() {} }],
    exporters: [recorder],
    seriesLabels: { service_name: 'sched-test' },
    shutdownTimeoutMillis: 5000,
  });
  await scheduler.forceFlush();
  await scheduler.forceFlush();
  await scheduler.shutdown();
  expect(scheduler.stats.collectErrors).toBe(3);
  expect(recorder.batches).toHaveLength(3);
  expect(recorder.batches.every((b) => b.profiles.length === 1)).toBe(true);
});

/** A scheduler whose first period throws (computing the series labels, e.g. an SDK resource attribute that throws). */
function schedulerFailingOnce(recorder: RecordingExporter, periodMillis: number): Scheduler {
  let calls = 0;
  return new Scheduler({
    periodMillis,
    collectors: [snapshotCollector('heap')],
    exporters: [recorder],
    seriesLabels: () => {
      if (calls++ === 0) throw new Error('labels unavailable');
      return { service_name: 'sched-test' };
    },
    shutdownTimeoutMillis: 5000,
    random: () => 0.5,
  });
}

test('a period that throws is counted and later periods still run (no rejection reaches the host)', async () => {
  const recorder = new RecordingExporter();
  const scheduler = schedulerFailingOnce(recorder, 60_000);
  await expect(scheduler.forceFlush()).resolves.toBeUndefined();
  await scheduler.forceFlush();
  await scheduler.shutdown();
  expect(scheduler.stats.collectErrors).toBe(1);
  expect(recorder.batches).toHaveLength(2);
  expect(recorder.batches.every((b) => b.seriesLabels.service_name === 'sched-test')).toBe(true);
});

test('timer-driven periods go on after one throws', async () => {
  const recorder = new RecordingExporter();
  const scheduler = schedulerFailingOnce(recorder, 20);
  while (recorder.batches.length < 2) await recorder.next();
  await scheduler.shutdown();
  expect(scheduler.stats.collectErrors).toBe(1);
});
