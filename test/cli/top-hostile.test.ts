/**
 * `otelprof top` on what an on-call engineer may really hold: Go legacy text with broken lines
 * (seeded, the same cases every run), an HTML error page, a truncated download, a gzip bomb as a
 * file and as a URL served with `Content-Encoding: gzip`. Each reads or fails with one line
 * naming the source; nothing inflates past the limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode, ProfileBuilder } from '../../src/pprof';
import { errorBodyText, readProfileSource, topFunctions } from '../../src/cli/top';
import { CommandError } from '../../src/cli/usage-error';
import { ensureBuilt, otelprof, stderrLines } from './support';
import { gzipBomb, rng } from '../support/hostile-input';

let dir: string;

/** What a hostile server answers: window title and clear screen (ESC/BEL), CR, NUL, C1 CSI, and a tab and CRLF kept. */
const HOSTILE_ERROR_BODY = 'bad request\x1b]0;pwned\x07\x1b[2J\r\nfake line\r\x00\u009b31m\tend\n';

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'otelprof-cli-hostile-'));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads a file as `otelprof top` does; any error but a CommandError fails the test. */
async function read(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  try {
    const p = await readProfileSource(file);
    topFunctions(p);
    return 'ok';
  } catch (err) {
    if (!(err instanceof CommandError)) throw new Error(`${JSON.stringify(String(bytes).slice(0, 200))} threw ${(err as Error).stack}`);
    expect(err.message.startsWith(file)).toBe(true);
    expect(err.message).not.toContain('\n');
    return err.message;
  }
}

test('legacy text with malformed lines reads or fails with a CommandError naming the source', async () => {
  const headers = ['goroutine profile: total 3', 'heap profile: 1: 2 [3: 4] @ heap/1048576', '--- contention:', '--- mutex:', 'threadcreate profile: total 0'];
  const pieces = ['1 @ 0x10 0x20', '1: 2 [3: 4] @ 0x10', '5 6 @ 0x10', '#\t0x0f\tmain.f+0x1\t/a.go:3', '#\t0xzz\t\t', '#\t', '@', '@ @ @',
    '99999999999999999999999 @ 0x1', '1 @ 0xffffffffffffffffffff', '1 @', 'cycles/second=0', 'sampling period=', 'x=y', '-1 @ 0x1',
    '1: 2 [3: 4]', '\u0000\u00ff', '1 @ 0x-1', '# comment', '', 'heap profile: 1: 2 [3: 4] @ heap/0'];
  const r = rng(1);
  for (let i = 0; i < 600; i++) {
    const lines = [headers[Math.floor(r() * headers.length)]];
    for (let n = Math.floor(r() * 6); n > 0; n--) lines.push(pieces[Math.floor(r() * pieces.length)]);
    const got = await read('legacy.txt', lines.join(r() < 0.5 ? '\n' : '\r\n'));
    expect(got === 'ok' || /is not a pprof profile .*: line \d+ is not a \w+ profile record: /.test(got)).toBe(true);
  }
});

test('a truncated gzip download, an HTML page and random bytes fail with the source named', async () => {
  const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }] });
  b.addSample([{ functionName: 'leaf', fileName: 'a.js', line: 3, column: 1 }], [7]);
  const gz = gzipSync(encode(b.build()));
  for (let n = 2; n < gz.length; n++) expect(await read('cut.pb.gz', gz.subarray(0, n))).toMatch(/is not a pprof profile .*: invalid gzip data: /);
  expect(await read('page.html', '<html><body>502 Bad Gateway</body></html>')).toMatch(/is not a pprof profile .*: not a pprof profile \(\d+ bytes\): /);
  const r = rng(3);
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.alloc(1 + Math.floor(r() * 300));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(r() * 256);
    await read('random.bin', bytes);
  }
});

test('a gzip bomb file: exit 1, one line naming the file and the limit', async () => {
  const file = join(dir, 'bomb.pb.gz');
  writeFileSync(file, gzipBomb());
  const res = await otelprof(['top', file]);
  expect(res.code).toBe(1);
  expect(stderrLines(res)).toEqual([`otelprof top: ${file} is not a pprof profile (gzipped or raw protobuf, or Go's legacy text): gzip data inflates to more than 256 MiB, the limit for a profile (a gzip bomb?)`]);
});

test('a long error body is cut at 300 characters, never inside a surrogate pair or an escape', () => {
  expect(errorBodyText(`${'a'.repeat(299)}\u{1f600}tail`)).toBe(`${'a'.repeat(299)}\u{1f600}...`);
  expect(errorBodyText(`${'a'.repeat(299)}\x1b[2J`)).toBe(`${'a'.repeat(299)}\\x1b...`);
  expect(errorBodyText('\u202eevil')).toBe('\\u202eevil');
});

test('names from a hostile profile reach the terminal escaped, each on its own table line', async () => {
  // A function name and a sample type that would set the window title, clear the screen and
  // start a fake table line; `top` prints them to the user's terminal.
  const b = new ProfileBuilder({ sampleTypes: [{ type: 'cpu\x1b[2J', unit: 'nanoseconds\x07' }], periodType: { type: 'cpu', unit: 'nanoseconds' }, period: 1 });
  b.addSample([{ functionName: 'evil\x1b]0;pwned\x07\n  99.00%  fake\u202e', fileName: 'x.js', line: 1, column: 1 }], [5_000_000]);
  const file = join(dir, 'hostile-names.pb.gz');
  writeFileSync(file, gzipSync(encode(b.build())));
  const res = await otelprof(['top', file]);
  expect(res.code).toBe(0);
  expect(res.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
  expect(res.stdout).toContain('evil\\x1b]0;pwned\\a\\n  99.00%  fake\\u202e');
  expect(res.stdout).toContain('by cpu\\x1b[2J/nanoseconds\\a');
  expect(res.stdout).toContain('Sample types: cpu\\x1b[2J/nanoseconds\\a');
  // Source, sample types, the table's title and head, one line for the one function: the newline
  // in its name did not start another.
  expect(res.stdout.trimEnd().split('\n')).toHaveLength(5);
  const asked = await otelprof(['top', '--sample-type', 'x', file]);
  expect(asked.code).not.toBe(0);
  expect(asked.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  expect(asked.stderr).toContain('(it has: cpu\\x1b[2J)');
});

describe('a URL that answers badly', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const body = gzipBomb();
    server = createServer((req, res) => {
      if (req.url?.startsWith('/stall')) {
        // Headers and the start of a body, then nothing: a server that hangs mid-answer.
        res.writeHead(req.url === '/stall-error' ? 500 : 200, { 'content-type': 'text/plain' });
        res.write('x'.repeat(100));
        return;
      }
      if (req.url === '/hostile-error') {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(HOSTILE_ERROR_BODY);
        return;
      }
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  test('a bomb served with Content-Encoding: gzip (fetch inflates it) is refused before it inflates past the limit', async () => {
    await expect(readProfileSource(`${url}/profile`)).rejects.toThrow(new CommandError(`${url}/profile: the response inflates to more than 256 MiB, the limit for a profile (a gzip bomb?)`));
  });

  test('an error body with terminal controls is shown escaped: readable, but it cannot drive the terminal', async () => {
    const res = await otelprof(['top', `${url}/hostile-error`]);
    expect(res.code).toBe(1);
    // Retitle the window and clear the screen, overwrite the line (CR), cut the text (NUL), CSI (C1).
    expect(res.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    // A slow run (a loaded machine) adds a `reading <url> (1s)` progress line first.
    expect(res.stderr.replace(/^reading .*\n/gm, '')).toBe(`otelprof top: ${url}/hostile-error: HTTP 400: bad request\\x1b]0;pwned\\a\\x1b[2J\n`
      + 'fake line\\r\\x00\\u009b31m\tend\n');
  });

  test('a body that stops mid-way gives up at the timeout with a CommandError naming the source', async () => {
    for (const path of ['/stall', '/stall-error']) {
      await expect(readProfileSource(`${url}${path}`, 1000)).rejects.toThrow(new CommandError(`cannot fetch ${url}${path}: no answer within 1s (--timeout)`));
    }
  });
});
