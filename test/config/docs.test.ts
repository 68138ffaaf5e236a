/** docs/configuration.md stays in sync with src/config: every option and every variable read is documented. */
import fs from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../../src/config';

const root = path.join(__dirname, '..', '..');
const doc = fs.readFileSync(path.join(root, 'docs', 'configuration.md'), 'utf8');
const sources = fs.readdirSync(path.join(root, 'src', 'config')).map((f) => fs.readFileSync(path.join(root, 'src', 'config', f), 'utf8')).join('\n');
const variables = [...new Set([...sources.matchAll(/'((?:PYROSCOPE|OTELPROF|OTEL)_[A-Z_]+)'/g)].map((m) => m[1]))];

test('the variables found in src/config are the ones expected (guards the scan itself)', () => {
  expect(variables).toEqual(expect.arrayContaining(['PYROSCOPE_UPLOAD_INTERVAL', 'OTELPROF_SAMPLER', 'OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT']));
  expect(variables.length).toBeGreaterThan(40);
});

test.each(variables)('%s is documented', (name) => {
  expect(doc).toContain(`\`${name}\``);
});

const resolved = resolveConfig({}, {});
const options = Object.keys(resolved).filter((k) => k !== 'issues' && k !== 'otlp');
const otlpOptions = Object.keys(resolved.otlp).map((k) => `otlp.${k}`);

test.each([...options, ...otlpOptions])('option %s has a row', (name) => {
  expect(doc).toContain(`| \`${name}\` |`);
});

test('the example warning in docs/configuration.md is the one the code writes', () => {
  const [issue] = resolveConfig({}, { PYROSCOPE_UPLOAD_INTERVAL: 'often' }).issues;
  expect(issue.variable).toBe('PYROSCOPE_UPLOAD_INTERVAL');
  expect(doc.replace(/\n\s*/g, ' ')).toContain(`\`${issue.message}\``);
});

test('the example option error in docs/configuration.md is the one the code throws', () => {
  expect(() => resolveConfig({ uploadIntervalMillis: -1 }, {})).toThrow('uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: -1)');
  expect(doc).toContain('`uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: -1)`');
});

// ---- the other docs: names a user copies from them exist in the code ----

import net from 'node:net';
import { startProfiling } from '../../src/scheduler';
import { announcement, zeroCodeOptions } from '../../src/scheduler/zero-code';
import { startPullEndpoint } from '../../src/scheduler/pull-endpoint';
import { resolvePyroscopeOptions } from '../../exporters/pyroscope/options';

const read = (rel: string): string => fs.readFileSync(path.join(root, rel), 'utf8');
const userDocs = [
  'README.md',
  ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'exporters/pyroscope/README.md',
  'deploy/README.md',
  'examples/service/README.md',
];
/** The part of `text` under the heading `heading` (up to the next heading of the same or a higher level). */
function section(text: string, heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
}
const codeBlocks = (text: string, langs: RegExp): string[] =>
  [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].filter((m) => langs.test(m[1])).map((m) => m[2]);
const jsBlocks = userDocs.flatMap((f) => codeBlocks(read(f), /^(js|ts|javascript|typescript|mjs|cjs)$/).map((code) => ({ file: f, code })));

/** Every name src/index.ts exports, values and types (re-exported, or declared and loaded on first use). */
const indexSource = read('src/index.ts');
const publicNames = new Set([
  ...[...indexSource.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from/g)]
    .flatMap((m) => m[1].split(','))
    .map((s) => s.trim().split(/\s+as\s+/).pop()!)
    .filter(Boolean),
  ...[...indexSource.matchAll(/export\s+(?:declare\s+const|type)\s+(\w+)\s*[:=]/g)].map((m) => m[1]),
]);
/** `import { a, b } from 'otelprof'` and `const { a, b } = require('otelprof')` in the docs' code blocks. */
const importedNames = jsBlocks.flatMap(({ file, code }) =>
  [
    ...code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]otelprof['"]/g),
    ...code.matchAll(/(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"]otelprof['"]\s*\)/g),
  ]
    .flatMap((m) => m[1].split(','))
    .map((s) => s.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0])
    .filter(Boolean)
    .map((name) => `${name} (${file})`),
);

test('the scan of imports in code blocks finds the README setup snippets (guards the scan itself)', () => {
  expect(publicNames).toEqual(expect.objectContaining({ size: expect.any(Number) }));
  expect([...publicNames]).toEqual(expect.arrayContaining(['startProfiling', 'withProfiling', 'ContinuousProfiler', 'Mutex']));
  expect(importedNames).toEqual(expect.arrayContaining(['startProfiling (README.md)', 'withProfiling (docs/opentelemetry.md)', 'servePprof (README.md)']));
});

test.each([...new Set(importedNames)])('%s, imported from otelprof in a code block, is exported by src/index.ts', (entry) => {
  expect(publicNames).toContain(entry.split(' ')[0]);
});

const configOptions = new Set([...options, ...otlpOptions]);
/** Keys of the object literals passed to `startProfiling({ ... })` / `resolveConfig({ ... })` in code blocks. */
const snippetOptions = jsBlocks.flatMap(({ file, code }) =>
  [...code.matchAll(/(?:startProfiling|resolveConfig)\(\{([\s\S]*?)\}\)/g)].flatMap((m) =>
    [...m[1].replace(/\/\/.*$/gm, '').matchAll(/(?:^|[,{]|\n)\s*(\w+)\s*:/g)].map((k) => `${k[1]} (${file})`)),
);

test('the scan of startProfiling options in code blocks finds the README example (guards the scan itself)', () => {
  expect(snippetOptions).toEqual(expect.arrayContaining(['serviceName (README.md)', 'profileTypes (README.md)']));
});

test.each([...new Set(snippetOptions)])('%s, passed to startProfiling in a code block, is an option', (entry) => {
  expect(configOptions).toContain(entry.split(' ')[0]);
});

/** Option rows (`| \`name\` |`) of the configuration tables, which must name real options. */
const optionRows = [
  ...[...doc.matchAll(/^\| `([\w.]+)` \|/gm)].map((m) => `${m[1]} (docs/configuration.md)`),
  ...[...section(read('README.md'), '## Configuration').matchAll(/^\| `([\w.]+)` \|/gm)].map((m) => `${m[1]} (README.md)`),
];

test.each(optionRows)('%s, a row of a configuration table, is an option', (entry) => {
  expect(configOptions).toContain(entry.split(' ')[0]);
});

test('every option has a row in the README configuration table too', () => {
  const readmeRows = optionRows.filter((e) => e.endsWith('(README.md)')).map((e) => e.split(' ')[0]);
  expect(readmeRows.sort()).toEqual([...configOptions].sort());
});

/** Variables the docs name as deliberately not read (docs/configuration.md, "## Not read"). */
const notRead = [...section(doc, '## Not read').matchAll(/`((?:PYROSCOPE|OTELPROF|OTEL)_[A-Z0-9_]+)`/g)].map((m) => m[1]);
const ownVariable = /\b((?:PYROSCOPE|OTELPROF|OTEL_EXPORTER_OTLP_PROFILES)_[A-Z0-9_]*)(\*)?/g;
const mentionedVariables = userDocs.flatMap((f) =>
  [...read(f).matchAll(ownVariable)].map((m) => `${m[1]}${m[2] ?? ''} (${f})`),
);

test('the scan of variable names in the docs finds known ones (guards the scan itself)', () => {
  expect(notRead).toEqual(expect.arrayContaining(['PYROSCOPE_TAGS']));
  expect(mentionedVariables).toEqual(expect.arrayContaining(['OTELPROF_SAMPLER (README.md)', 'PYROSCOPE_WALL_* (README.md)', 'PYROSCOPE_SERVER_ADDRESS (deploy/README.md)']));
});

test.each([...new Set(mentionedVariables)])('%s is read by src/config or listed under "Not read"', (entry) => {
  const name = entry.split(' ')[0];
  const known = [...variables, ...notRead];
  if (name.endsWith('*')) expect(known.some((v) => v.startsWith(name.slice(0, -1)))).toBe(true);
  else expect(known).toContain(name);
});

// The embedded default's announcement, as README.md and docs/zero-code-and-cli.md show it (port 6060).
describe('the zero-code announcement in the docs is what otelprof/register prints', () => {
  const asShown = (lines: string[], port: number): string =>
    lines.map((l) => `otelprof: ${l.split(`:${port}`).join(':6060')}`).join('\n');
  let profiler: ReturnType<typeof startProfiling>;
  beforeAll(() => {
    // The configuration register resolves with no collector configured, for a service named my-service.
    const env = { OTEL_SERVICE_NAME: 'my-service' };
    profiler = startProfiling({ ...zeroCodeOptions(env).options, serviceName: 'my-service', enabled: false });
  });
  afterAll(() => profiler.shutdown());

  test('listening', async () => {
    const endpoint = startPullEndpoint(0, '127.0.0.1');
    try {
      const status = await endpoint.status;
      expect(status.state).toBe('listening');
      const shown = asShown(announcement(profiler, status), (status as { port: number }).port);
      expect(read('README.md')).toContain(`\`\`\`\n${shown}\n\`\`\``);
      expect(read('docs/zero-code-and-cli.md')).toContain(`\`\`\`\n${shown}\n\`\`\``);
    } finally {
      await endpoint.close();
    }
  });

  test('port in use', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const endpoint = startPullEndpoint(port, '127.0.0.1');
    try {
      const status = await endpoint.status;
      expect(status.state).toBe('failed');
      const [, second] = asShown(announcement(profiler, status), port).split('\n');
      expect(read('docs/zero-code-and-cli.md').replace(/\n/g, ' ')).toContain(`\`${second}\``);
    } finally {
      await endpoint.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

// exporters/pyroscope/README.md "## Options": the exporter's real option names and defaults.
describe('the Pyroscope exporter options table', () => {
  const table = section(read('exporters/pyroscope/README.md'), '## Options');
  const rows = table.split('\n').filter((line) => line.startsWith('| `')).flatMap((line) => {
    const cells = line.replace(/\\\|/g, '\u0000').split('|').slice(1, -1).map((c) => c.trim());
    const names = cells[0].split(' / ').map((n) => n.replace(/`/g, '').trim());
    const defaults = cells[2].split(' / ').map((d) => d.trim());
    return names.map((name, i) => ({ name, def: defaults.length === names.length ? defaults[i] : undefined }));
  });
  let known: string[] = [];
  try {
    resolvePyroscopeOptions({ documentationProbe: 1 } as never);
  } catch (err) {
    known = /\(known: ([^)]*)\)/.exec((err as Error).message)?.[1].split(', ') ?? [];
  }

  test('the scans find the options (guards the scans themselves)', () => {
    expect(known).toEqual(expect.arrayContaining(['endpoint', 'maxQueueItems', 'meterProvider']));
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['endpoint', 'maxSampleLabels']));
  });

  test('documents exactly the options the exporter accepts', () => {
    expect(rows.map((r) => r.name).sort()).toEqual([...known].sort());
  });

  test('numeric and literal defaults are the resolved ones', () => {
    const resolved = resolvePyroscopeOptions({});
    const flat: Record<string, unknown> = { ...resolved, ...resolved.backoff, ...resolved.labelRules, endpoint: resolved.endpoint.href.replace(/\/$/, '') };
    const parse = (d: string): unknown => {
      const s = d.replace(/`/g, '');
      if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
      if (/^\d+ MiB$/.test(s)) return Number(s.split(' ')[0]) * 1024 * 1024;
      if (s === 'true' || s === 'false') return s === 'true';
      if (/^'[^']*'$/.test(s)) return s.slice(1, -1);
      if (/^https?:\/\//.test(s)) return s;
      return undefined;
    };
    const checked = rows.filter((r) => r.def !== undefined && parse(r.def) !== undefined);
    expect(checked.length).toBeGreaterThan(12);
    for (const r of checked) expect({ option: r.name, default: flat[r.name] }).toEqual({ option: r.name, default: parse(r.def!) });
  });
});
