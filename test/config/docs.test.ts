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
