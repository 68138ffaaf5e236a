/**
 * The API example (`npm run example` = build + examples/main-job.js) runs against the built package and
 * writes profiles that the real `go tool pprof` reads.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goPprofOn } from '../support/go-pprof';
import { ensureBuilt, repoRoot, runNode, type RunResult } from './consumer';

let outDir: string;
let run: RunResult;
let api: Record<string, boolean>;

beforeAll(async () => {
  await ensureBuilt();
  outDir = mkdtempSync(join(tmpdir(), 'otelprof-main-job-'));
  run = await runNode(repoRoot, [join('examples', 'main-job.js'), '--out', outDir, '--seconds', '1'], 120_000);
  // First line: "otelprof main job on Node vX: API in this build: newProfile yes, ..."
  const apiLine = run.stdout.split('\n')[0] ?? '';
  api = Object.fromEntries([...apiLine.matchAll(/(\w+) (yes|no)/g)].map((m) => [m[1], m[2] === 'yes']));
});

describe('examples/main-job.js', () => {
  it('runs to completion on the current node', () => {
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`otelprof main job on Node ${process.version}`);
  });

  it('writes only profiles that go tool pprof reads', async () => {
    const files = readdirSync(outDir).filter((f) => f.endsWith('.pb.gz'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const raw = await goPprofOn(readFileSync(join(outDir, f)), ['-raw']);
      expect([f, raw]).toEqual([f, expect.stringContaining('Samples:')]);
    }
  });

  it('counts the open connections of its custom profile (3 + 2 opened, 1 closed)', async () => {
    expect(api.newProfile).toBe(true);
    const text = readFileSync(join(outDir, 'example.com_main-job.connections.txt'), 'utf8');
    expect(text.split('\n')[0]).toBe('example.com/main-job.connections profile: total 4');
    const top = await goPprofOn(readFileSync(join(outDir, 'example.com_main-job.connections.pb.gz')), ['-top']);
    expect(top).toContain('of 4 total');
    expect(top).toMatch(/openPrimaryPool/);
    expect(top).toMatch(/openReplicaPool/);
  });

  it('labels the CPU profile by job when CPU profiling exists in this build', async () => {
    const files = readdirSync(outDir);
    expect(files.includes('cpu.pb.gz')).toBe(api.startCPUProfile === true);
    if (!api.startCPUProfile) return; // checked above: no CPU profile API, no cpu.pb.gz
    const tags = await goPprofOn(readFileSync(join(outDir, 'cpu.pb.gz')), ['-tags']);
    expect(tags).toMatch(/job:/);
    expect(tags).toMatch(/primes/);
    expect(tags).toMatch(/json/);
  });
});
