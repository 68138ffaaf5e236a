import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { lookup } from '../../src/profiles';
import { labels, runWithLabels } from '../../src/labels';
import { enableGoroutineStacks, disableGoroutineStacks, activeResourceCount, goroutineStacksEnabled } from '../../src/sampler/async-resources';
import { goPprofOn } from '../support/go-pprof';
import { decode, delta, encode } from '../../src/pprof';
import { goroutineProfileProvider } from '../../src/profiles/builtin-goroutine';
import { collect, decodeSamples, sumFor } from './helpers';
import { parseRaw } from '../pprof/go-raw';

const goroutine = (): NonNullable<ReturnType<typeof lookup>> => {
  const p = lookup('goroutine');
  if (!p) throw new Error('goroutine profile missing');
  return p;
};

let server: Server;
let accepted: Socket[] = [];

beforeAll(async () => {
  server = createServer((s) => { accepted.push(s); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(async () => {
  for (const s of accepted) s.destroy();
  server.close();
  await once(server, 'close');
});
afterEach(() => disableGoroutineStacks());

/** The "known function" that leaks 50 timers and 20 sockets. */
async function leakResources(port: number): Promise<{ timers: NodeJS.Timeout[]; sockets: Socket[] }> {
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < 50; i++) timers.push(setTimeout(() => {}, 600_000));
  const sockets: Socket[] = [];
  for (let i = 0; i < 20; i++) sockets.push(connect(port, '127.0.0.1'));
  await Promise.all(sockets.map((s) => once(s, 'connect')));
  return { timers, sockets };
}

async function cleanup(leak: { timers: NodeJS.Timeout[]; sockets: Socket[] }): Promise<void> {
  for (const t of leak.timers) clearTimeout(t);
  await Promise.all(leak.sockets.map((s) => { s.destroy(); return once(s, 'close'); }));
  // destroy hooks for closed handles run from the close callbacks: let them drain.
  await new Promise((r) => setImmediate(r));
}

describe('goroutine profile (live async work)', () => {
  it('counts live handles and requests like Node does', async () => {
    const before = goroutine().count();
    expect(before).toBe(activeResourceCount());
    const timers = Array.from({ length: 7 }, () => setTimeout(() => {}, 600_000));
    expect(goroutine().count()).toBe(before + 7);
    const byType = decodeSamples(await collect(goroutine(), 0));
    expect(byType.sampleTypes).toEqual(['goroutine/count']);
    expect(sumFor(byType.samples, '(Timeout)')).toBeGreaterThanOrEqual(7);
    const withTimers = goroutine().count();
    timers.forEach(clearTimeout);
    expect(goroutine().count()).toBe(withTimers - 7);
  });

  it('with creation stacks on, attributes 50 timers and 20 sockets to the leaking function, then forgets them', async () => {
    enableGoroutineStacks();
    const port = (server.address() as { port: number }).port;
    const leak = await runWithLabels(labels('job', 'leaky'), () => leakResources(port));

    const { samples } = decodeSamples(await collect(goroutine(), 0));
    expect(sumFor(samples, 'leakResources', 0, (s) => s.stack[0] === '(Timeout)')).toBe(50);
    expect(sumFor(samples, 'leakResources', 0, (s) => s.stack[0] === '(TCPWRAP)')).toBe(20);
    expect(samples.filter((s) => s.stack.includes('leakResources')).every((s) => s.labels.job === 'leaky')).toBe(true);

    const text = (await collect(goroutine(), 1)).toString();
    expect(text).toMatch(/^goroutine profile: total \d+\n/);
    expect(text).toMatch(/\n50 @ 0x[0-9a-f]+/);
    expect(text).toContain('# labels: {"job":"leaky"}');
    // go tool pprof reads both forms (the legacy text has no symbols without /symbol, so only its total).
    const top = await goPprofOn(await collect(goroutine(), 0), ['-top', '-cum']);
    expect(top).toMatch(/\b50\b.*leakResources|leakResources/);
    const topText = await goPprofOn(text, ['-top']);
    expect(topText).toMatch(/Type: goroutine/);

    const dump = (await collect(goroutine(), 2)).toString();
    expect(dump).toMatch(/resource \d+ \[Timeout, \d+(ms|\.\d+s)\]:\n# labels: \{"job":"leaky"\}\nleakResources\(\)\n\t\S+goroutine\.test\.ts:\d+:\d+/);

    await cleanup(leak);
    const after = decodeSamples(await collect(goroutine(), 0)).samples;
    expect(sumFor(after, 'leakResources')).toBe(0);
    expect((await collect(goroutine(), 2)).toString()).not.toContain('leakResources');
  });

  it('quotes labels in the debug=2 dump as the debug=1 text does (Go\'s %q: \\x1b, not JSON\'s \\u001b)', async () => {
    enableGoroutineStacks();
    function leakOddLabel(): NodeJS.Timeout { return setTimeout(() => {}, 600_000); }
    const timer = runWithLabels(labels('job', 'a"b\x1b\u00e9\t'), leakOddLabel);
    try {
      const quoted = '# labels: {"job":"a\\"b\\x1b\u00e9\\t"}';
      expect((await collect(goroutine(), 1)).toString()).toContain(quoted);
      const dump = (await collect(goroutine(), 2)).toString();
      expect(dump).toMatch(new RegExp(`\\[Timeout, [^\\]]+\\]:\\n${quoted.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\nleakOddLabel\\(\\)`));
    } finally {
      clearTimeout(timer);
    }
  });

  it('keeps a label whose value is the empty string: debug=1 text as Go, proto label with its key only', async () => {
    enableGoroutineStacks();
    function leakEmptyLabel(): NodeJS.Timeout[] { return Array.from({ length: 3 }, () => setTimeout(() => {}, 600_000)); }
    function leakEmptyAndSet(): NodeJS.Timeout[] { return Array.from({ length: 4 }, () => setTimeout(() => {}, 600_000)); }
    const timers = [
      ...runWithLabels(labels('job', ''), leakEmptyLabel),
      ...runWithLabels(labels('team', 'core', 'job', ''), leakEmptyAndSet),
    ];
    try {
      // Go: pprof.Do(ctx, pprof.Labels("job", ""), f) prints `# labels: {"job":""}` (labelMap.String).
      const text = (await collect(goroutine(), 1)).toString();
      expect(text).toMatch(/\n3 @[0-9a-fx ]+\n# labels: \{"job":""\}\n#\t.*\(Timeout\).*\n(#\t.*\n)*#\t.*\tleakEmptyLabel\+/);
      expect(text).toMatch(/\n4 @[0-9a-fx ]+\n# labels: \{"job":"", "team":"core"\}\n#\t.*\(Timeout\).*\n(#\t.*\n)*#\t.*\tleakEmptyAndSet\+/);
      // The label lines are comments to go tool pprof: it reads the text, counts intact.
      const raw = parseRaw(await goPprofOn(text, ['-raw']));
      expect(raw.sampleTypes).toEqual(['goroutine/count']);
      expect(raw.samples.reduce((a, x) => a + x.values[0], 0)).toBe(Number(/^goroutine profile: total (\d+)/.exec(text)?.[1]));

      // Go's proto writer: pbLabel(key, "", 0) is a label with its key and no str (index 0).
      const { samples, raw: pb } = decodeSamples(await collect(goroutine(), 0));
      const str = (i: unknown): string => pb.stringTable.strings[Number(i)] ?? '';
      const mine = pb.sample.filter((_, i) => samples[i].stack.includes('leakEmptyAndSet'));
      expect(mine).toHaveLength(1);
      expect(Number(mine[0].value[0])).toBe(4);
      expect(mine[0].label.map((l) => [str(l.key), Number(l.str) === 0 ? null : str(l.str), Number(l.num)])).toEqual([['job', null, 0], ['team', 'core', 0]]);
      expect(samples.filter((x) => x.stack.includes('leakEmptyLabel')).map((x) => x.labels)).toEqual([{ job: '' }]);
      // go tool pprof reads it; a key-only label is no tag to pprof (the same for Go's own profile).
      const tags = await goPprofOn(await collect(goroutine(), 0), ['-tags']);
      expect(tags).toMatch(/team: Total 4(\.0)?\n\s+4(\.0)? \(\s*100%\): core\n/);
      expect(tags).not.toMatch(/job/);
    } finally {
      timers.forEach(clearTimeout);
    }
  });

  it('supports a delta between two snapshots (for ?seconds=)', async () => {
    enableGoroutineStacks();
    const before = decode(await collect(goroutine(), 0));
    function leakFive(): NodeJS.Timeout[] { return Array.from({ length: 5 }, () => setTimeout(() => {}, 600_000)); }
    const timers = leakFive();
    const after = decode(await collect(goroutine(), 0));
    const { samples } = decodeSamples(encode(delta(before, after)));
    expect(sumFor(samples, 'leakFive')).toBe(5);
    timers.forEach(clearTimeout);
  });

  it.each([['true', true], ['1', true], ['', false], ['no', false]])('OTELPROF_GOROUTINE_STACKS=%p turns stacks on: %p', (value, on) => {
    const prev = process.env.OTELPROF_GOROUTINE_STACKS;
    process.env.OTELPROF_GOROUTINE_STACKS = value;
    try {
      goroutineProfileProvider();
      expect(goroutineStacksEnabled()).toBe(on);
    } finally {
      if (prev === undefined) delete process.env.OTELPROF_GOROUTINE_STACKS;
      else process.env.OTELPROF_GOROUTINE_STACKS = prev;
      disableGoroutineStacks();
    }
  });

  it('tracks pending promises only when asked', async () => {
    async function makePromises(): Promise<Array<() => void>> {
      const resolvers: Array<() => void> = [];
      for (let i = 0; i < 5; i++) void new Promise<void>((r) => resolvers.push(r));
      return resolvers;
    }
    enableGoroutineStacks();
    const noPromises = await makePromises();
    expect(sumFor(decodeSamples(await collect(goroutine(), 0)).samples, 'makePromises', 0, (s) => s.stack[0] === '(PROMISE)')).toBe(0);
    noPromises.forEach((r) => r());
    enableGoroutineStacks({ promises: true });
    const pending = await makePromises();
    expect(sumFor(decodeSamples(await collect(goroutine(), 0)).samples, 'makePromises', 0, (s) => s.stack[0] === '(PROMISE)')).toBeGreaterThanOrEqual(5);
    pending.forEach((r) => r());
    await Promise.resolve();
    expect(sumFor(decodeSamples(await collect(goroutine(), 0)).samples, 'makePromises', 0, (s) => s.stack[0] === '(PROMISE)')).toBe(0);
  });

  it('bounds the number of tracked resources and counts the rest as dropped', async () => {
    enableGoroutineStacks({ maxResources: 10 });
    const timers = Array.from({ length: 30 }, () => setTimeout(() => {}, 600_000));
    const dump = (await collect(goroutine(), 2)).toString();
    expect(dump).toMatch(/live async resources: 10 \(creation stacks on, \d+ not tracked: bound reached\)/);
    timers.forEach(clearTimeout);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('rejects maxResources %p', (n) => {
    expect(() => enableGoroutineStacks({ maxResources: n })).toThrow(expect.objectContaining({
      code: 'PPROF_ERR_INVALID_ARG', message: `maxResources must be a positive integer (got ${String(n)})`,
    }));
  });
});
