/**
 * Reading deploy/ for the tests: YAML (with compose's merge keys), the compose services, the
 * listen ports each service's own configuration declares, and the env var names otelprof reads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const REPO = resolve(__dirname, '../..');
export const DEPLOY = join(REPO, 'deploy');

/** Every file under `dir` (relative paths, sorted). */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, base));
    else out.push(full.slice(base.length + 1));
  }
  return out.sort();
}

/** One YAML document (merge keys `<<` resolved, as docker compose does); throws on syntax errors. */
export function readYaml<T = unknown>(file: string): T {
  return parse(readFileSync(file, 'utf8'), { merge: true, strict: true, uniqueKeys: true }) as T;
}

/** Every document of a multi-document YAML file; throws on the first document with errors. */
export function readYamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { merge: true, strict: true, uniqueKeys: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, unknown>;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
}

export const COMPOSE_FILE = join(DEPLOY, 'docker-compose.yml');

export function readCompose(): ComposeFile {
  return readYaml<ComposeFile>(COMPOSE_FILE);
}

/** A compose short-syntax port: `[ip:]host:container[/proto]` or `container`. */
export function parsePort(spec: string): { host?: number; container: number; ip?: string } {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(String(spec));
  if (!m) throw new Error(`not a compose port: ${spec}`);
  return { ip: m[1], host: m[2] === undefined ? undefined : Number(m[2]), container: Number(m[3]) };
}

/** A compose short-syntax bind mount `./src:/target[:ro]`, resolved against deploy/. */
export function parseBindMount(spec: string): { source: string; target: string; readOnly: boolean } {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0].startsWith('.')) throw new Error(`not a relative bind mount: ${spec}`);
  return { source: resolve(DEPLOY, parts[0]), target: parts[1], readOnly: parts[2] === 'ro' };
}

/** Environment of a compose service as strings (compose turns numbers and booleans into strings). */
export function composeEnv(svc: ComposeService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.environment ?? {})) out[k] = v === null ? '' : String(v);
  return out;
}

export function commandArgs(svc: ComposeService): string[] {
  return svc.command === undefined ? [] : Array.isArray(svc.command) ? svc.command.map(String) : svc.command.split(/\s+/);
}

/** `host:port` of the address a listener config names (`0.0.0.0:4317`, `:8080`). */
export function portOf(endpoint: string): number {
  const m = /:(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`no port in ${endpoint}`);
  return Number(m[1]);
}

/** Names in single, double or back quotes that look like env vars with one of `prefixes`. */
export function quotedEnvNames(source: string, prefixes: readonly string[]): Set<string> {
  const re = new RegExp(`['"\`]((?:${prefixes.join('|')})_[A-Z0-9_]+)['"\`]`, 'g');
  return new Set(Array.from(source.matchAll(re), (m) => m[1]));
}

/** Source text of every `.ts` file of a folder of this repository (non-recursive). */
export function sourcesOf(dir: string, ext = '.ts'): string {
  const full = join(REPO, dir);
  return readdirSync(full)
    .filter((f) => f.endsWith(ext))
    .map((f) => readFileSync(join(full, f), 'utf8'))
    .join('\n');
}

/**
 * The env vars otelprof's configuration reads: every quoted `PYROSCOPE_*`, `OTEL_*` and
 * `OTELPROF_*` name in src/config (src/config exports no list, so its source is the list; a
 * rename there changes this set).
 */
export function otelprofEnvNames(): Set<string> {
  return quotedEnvNames(sourcesOf('src/config'), ['PYROSCOPE', 'OTELPROF', 'OTEL']);
}

/** The OTEL_* names the installed OpenTelemetry JS SDK packages read (their built sources). */
export function otelSdkEnvNames(): Set<string> {
  const root = join(REPO, 'node_modules/@opentelemetry');
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.js')) for (const n of quotedEnvNames(readFileSync(full, 'utf8'), ['OTEL'])) names.add(n);
    }
  };
  for (const pkg of readdirSync(root)) {
    const src = join(root, pkg, 'build/src');
    try {
      if (statSync(src).isDirectory()) walk(src);
    } catch {
      // a package without build/src (types only): nothing to read
    }
  }
  return names;
}

/** Variables the example service's own scripts read (`env.X` / `process.env.X`). */
export function exampleServiceEnvNames(): Set<string> {
  const src = sourcesOf('examples/service', '.js');
  return new Set(Array.from(src.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g), (m) => m[1]));
}

/** An exact image reference `name:x.y.z` (optionally `v`-prefixed, with a variant suffix). */
export const PINNED_IMAGE_RE = /^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/;
