/**
 * What an installed copy of otelprof can load: the built JavaScript and its type declarations may
 * only name packages a user's install brings along (dependencies, peer and optional
 * dependencies) and Node's built-in modules. A devDependency named there works in this repository
 * and breaks for every user.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { ensureBuilt, repoRoot } from './consumer';

interface PackageJson {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(js|mjs|d\.ts)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or undefined for relative/builtin ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

// require("x"), require.resolve("x"), requireOtelPackage("x") (compiled: `requireOtelPackage)("x"`),
// import("x"), from "x", import "x" (also in .d.ts files). Not `require.resolve("x", { paths })`,
// which resolves from another package's folder (node-gyp-build from @datadog/pprof's).
const SPECIFIER = /(?:require(?:\.resolve)?\(|requireOtelPackage\)?\(|import\(|\bfrom\s+|^\s*import\s+)["']([^"']+)["'](?!\s*,\s*\{\s*paths)/gm;

beforeAll(ensureBuilt);

test('built code and declarations only name packages that users install', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  const allowed = new Set([pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies].flatMap((d) => Object.keys(d ?? {})));
  const files = ['src', 'exporters', 'proto', 'esm'].flatMap((d) => {
    try {
      return filesUnder(join(repoRoot, 'dist', d));
    } catch {
      return []; // a folder not built (yet)
    }
  });
  expect(files.length).toBeGreaterThan(0);
  const offending: string[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const name = packageOf(m[1]);
      if (name !== undefined && !allowed.has(name)) offending.push(`${relative(repoRoot, file)}: ${name}`);
    }
  }
  expect(offending).toEqual([]);
});
