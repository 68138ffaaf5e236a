/**
 * Writing profiles to a caller's stream that cannot take them: as Go's `WriteTo` returns the write
 * error, the returned promise rejects with it, and a caller that handles the rejection keeps its
 * process (no unhandled 'error' event from a write otelprof made).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const REGISTER = join(__dirname, '..', 'sampler', 'ts-register.js');
const SRC = join(__dirname, '..', '..', 'src');

/** Runs `body` (which sets `out`) in a child process with the TS sources; returns its output and exit code. */
function runChild(body: string): Promise<{ code: number; out: unknown; stderr: string }> {
  const script = `
    const { PassThrough, Writable } = require('node:stream');
    const otelprof = require(${JSON.stringify(SRC)});
    const out = {};
    const settle = (p) => p.then(() => 'resolved', (e) => 'rejected: ' + (e.code ? e.code + ' ' : '') + e.message);
    (async () => {
      ${body}
      // Errors a stream emits for a failed write are emitted on the next ticks: let them run.
      setImmediate(() => setImmediate(() => console.log(JSON.stringify(out))));
    })();
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', REGISTER, '-e', script], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      const line = String(stdout).trim().split('\n').pop() ?? '';
      let out: unknown;
      try {
        out = JSON.parse(line);
      } catch {
        out = undefined;
      }
      resolve({ code, out, stderr: String(stderr) });
    });
  });
}

test('an ended stream: writeTo and writeHeapProfile reject with write after end, and the host survives', async () => {
  const r = await runChild(`
    const ended = () => { const s = new PassThrough(); s.end(); return s; };
    out.heap = await settle(otelprof.writeHeapProfile(ended()));
    out.custom = await settle(otelprof.newProfile('otelprof.test/ended').writeTo(ended(), 1));
  `);
  expect(r.stderr).not.toContain("Unhandled 'error' event");
  expect(r.code).toBe(0);
  expect(r.out).toEqual({
    heap: 'rejected: ERR_STREAM_WRITE_AFTER_END write after end',
    custom: 'rejected: ERR_STREAM_WRITE_AFTER_END write after end',
  });
});

test("a stream whose write fails: the promise rejects with the stream's error, and the host survives", async () => {
  const r = await runChild(`
    const failing = () => new Writable({ write(_chunk, _enc, cb) { cb(Object.assign(new Error('no space left'), { code: 'ENOSPC' })); } });
    out.heap = await settle(otelprof.writeHeapProfile(failing()));
    out.goroutine = await settle(otelprof.lookup('goroutine').writeTo(failing(), 1));
    // A stream with its own 'error' listener still gets the event.
    const watched = failing();
    const seen = [];
    watched.on('error', (e) => seen.push(e.code));
    out.watched = await settle(otelprof.newProfile('otelprof.test/failing').writeTo(watched, 0));
    await new Promise((r) => setImmediate(r));
    out.seen = seen;
  `);
  expect(r.stderr).not.toContain("Unhandled 'error' event");
  expect(r.code).toBe(0);
  expect(r.out).toEqual({
    heap: 'rejected: ENOSPC no space left',
    goroutine: 'rejected: ENOSPC no space left',
    watched: 'rejected: ENOSPC no space left',
    seen: ['ENOSPC'],
  });
});
