import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileBuilder, writeCountText } from '../../src/pprof';
import { goQuote } from '../../src/pprof/go-quote';
import { tabwrite } from '../../src/pprof/tabwriter';

/** Runs the Go reference program (fixtures/tabquote.go) on NUL-separated records. */
function goReference(records: string[]): Promise<string[]> {
  const cache = mkdtempSync(join(tmpdir(), 'otelprof-gocache-'));
  return new Promise((resolve, reject) => {
    const child = execFile('go', ['run', join(__dirname, 'fixtures', 'tabquote.go')],
      { timeout: 120_000, env: { ...process.env, GOCACHE: process.env.GOCACHE ?? cache, HOME: process.env.HOME ?? tmpdir(), GOFLAGS: '-mod=mod', GO111MODULE: 'off' } },
      (err, stdout, stderr) => (err ? reject(new Error(`go run failed: ${stderr}`)) : resolve(stdout.split('\0').slice(0, -1))));
    child.stdin?.end(records.join('\0'));
  });
}

/** Runs fixtures/goroutine-labels.go: Go's own goroutine debug=1 text for goroutines with these label sets. */
function goGoroutineText(labelSets: string[][]): Promise<string> {
  const cache = mkdtempSync(join(tmpdir(), 'otelprof-gocache-'));
  return new Promise((resolve, reject) => {
    const child = execFile('go', ['run', join(__dirname, 'fixtures', 'goroutine-labels.go')],
      { timeout: 120_000, env: { ...process.env, GOCACHE: process.env.GOCACHE ?? cache, HOME: process.env.HOME ?? tmpdir(), GOFLAGS: '-mod=mod', GO111MODULE: 'off' } },
      (err, stdout, stderr) => (err ? reject(new Error(`go run failed: ${stderr}`)) : resolve(stdout)));
    child.stdin?.end(JSON.stringify(labelSets));
  });
}

const labelLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('# labels: '));

const tabCases: string[][] = [
  ['goroutine profile: total 3', '3 @ 0x1 0x2', '#\t0x0\tmain+0x0\t/a.js:1', '#\t0x1f\tx.veryLongFunctionName+0xf\t/b.js:22', ''],
  ['#\t0x40\tf+0x1\t:0', '#\t0x400010\tg+0x10\t/p/q.js:1', 'x', '#\t0x1\tshort+0x0\t/s:1', '# labels: {"a":"b"}', '#\t0x2\t' + 'n'.repeat(40) + '+0x0\t/t:2'],
  ['#\t0x1\tnaïve→fn+0x0\t/ü.js:3', '#\t0x2\tplain+0x0\t/a.js:4'],
  ['a\tb\tc', 'aaaaaaaa\tb', 'a\t\tc', '', '\tx'],
];

const quoteCases = ['plain', 'with "quotes" and \\', 'tab\tnew\nline\r', '\x01\x1f\x7f' /* NUL separates records */, 'é ü 中文 😀', '\u200b\u00a0\u2028', '\x07\b\f\v'];

describe('Go text formatting matches Go itself', () => {
  let reference: string[];
  beforeAll(async () => {
    reference = await goReference([...tabCases.map((lines) => `T${lines.join('\n')}\n`), ...quoteCases.map((s) => `Q${s}`)]);
  });

  it.each(tabCases.map((c, i) => [i, c] as const))('tabwriter case %d', (i, lines) => {
    expect(`${tabwrite(lines)}\n`).toBe(reference[i]);
  });

  it.each(quoteCases.map((c, i) => [JSON.stringify(c), i] as const))('%%q of %s', (_name, i) => {
    expect(goQuote(quoteCases[i])).toBe(reference[tabCases.length + i]);
  });
});

describe('count profile label lines match Go runtime/pprof', () => {
  // Go compares strings by UTF-8 bytes: U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80),
  // although its UTF-16 code unit (FF01) is above the emoji's (D83D).
  const sets = [['k', '\u{1F600}'], ['k', '\uFF01'], ['k', 'a'], ['\u{1F600}', '1', '\uFF01', '2']];

  it('orders the pairs of a label set and the records of one stack as Go does', async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }] });
    const stack = [{ functionName: 'park', fileName: '/srv/p.js', line: 1, column: 1 }];
    for (const set of sets) {
      const labels = [];
      for (let i = 0; i < set.length; i += 2) labels.push({ key: set[i], str: set[i + 1] });
      b.addSample(stack, [1], labels);
    }
    const want = labelLines(await goGoroutineText(sets));
    expect(want).toHaveLength(sets.length);
    expect(labelLines(writeCountText(b.build(), 'goroutine'))).toEqual(want);
  });

  it('keeps a label whose value is the empty string, as Go does (pprof.Labels("k", ""))', async () => {
    const emptySets = [['k', ''], ['a', '', 'b', 'x'], ['b', 'x']];
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }], keepEmptyLabels: true });
    const stack = [{ functionName: 'park', fileName: '/srv/p.js', line: 1, column: 1 }];
    for (const set of emptySets) {
      const labels = [];
      for (let i = 0; i < set.length; i += 2) labels.push({ key: set[i], str: set[i + 1] });
      b.addSample(stack, [1], labels);
    }
    const want = labelLines(await goGoroutineText(emptySets));
    expect(want).toEqual(['# labels: {"a":"", "b":"x"}', '# labels: {"b":"x"}', '# labels: {"k":""}']);
    expect(labelLines(writeCountText(b.build(), 'goroutine'))).toEqual(want);
  });
});
