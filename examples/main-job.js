#!/usr/bin/env node
'use strict';
/**
 * The API example (`npm run example`): profiles a small CPU + allocation workload with otelprof's public
 * API, writes the profiles to ./profiles/ and prints a readable summary of each.
 *
 *   node examples/main-job.js [--out <dir>] [--seconds <n>]
 *
 * It loads the built package by its own name (`require('otelprof')` resolves through package.json
 * "exports", exactly as in an application) and uses whatever part of the API exists:
 *  - a custom profile (`newProfile`, `add`, `remove`) counting open "connections",
 *  - labels (`runWithLabels`, `labels`) on two concurrent jobs, following them across `await`,
 *  - `startCPUProfile` / `stopCPUProfile` and `writeHeapProfile`,
 *  - every registered profile (`profiles()`), written with `writeTo(stream, 0)`; custom ones also
 *    as Go's legacy text (`debug=1`).
 * Summaries come from `go tool pprof -top` when Go is installed, else from our own decoding.
 */
const { once } = require('node:events');
const fs = require('node:fs');
const path = require('node:path');
const { Writable } = require('node:stream');
const { finished } = require('node:stream/promises');
const otelprof = require('otelprof');
const { summarize, haveGo } = require('./summarize');

const has = (name) => typeof otelprof[name] === 'function';
const argValue = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const outDir = path.resolve(argValue('--out', 'profiles'));
const seconds = Number(argValue('--seconds', '2'));

// ---- the workload: two jobs sharing the event loop, yielding between chunks ----

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

function isPrime(n) {
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return n > 1;
}

/** CPU-bound: counts primes in chunks until the deadline. */
async function countPrimes(deadline) {
  let found = 0;
  for (let n = 2; Date.now() < deadline; n++) {
    if (isPrime(n)) found++;
    if (n % 5000 === 0) await nextTick();
  }
  return found;
}

// Objects kept alive until exit, so the heap profile has live data to show.
const retained = [];

function makeOrder(i) {
  return { id: i, customer: `customer-${i % 97}`, items: Array.from({ length: 8 }, (_, k) => ({ sku: `sku-${k}`, qty: k + 1 })) };
}

/** Allocation-heavy: builds, serialises and parses orders until the deadline. */
async function jsonRoundTrips(deadline) {
  let rounds = 0;
  while (Date.now() < deadline) {
    const batch = Array.from({ length: 500 }, (_, i) => makeOrder(rounds * 500 + i));
    const parsed = JSON.parse(JSON.stringify(batch));
    if (rounds % 10 === 0) retained.push(parsed);
    rounds++;
    await nextTick();
  }
  return rounds;
}

/** Runs `fn(deadline)` labelled `job=<name>` when labels exist (the labels follow every await). */
function job(name, fn, deadline) {
  if (has('runWithLabels') && has('labels')) return otelprof.runWithLabels(otelprof.labels('job', name), () => fn(deadline));
  return fn(deadline);
}

// ---- a custom profile: Go's pprof.NewProfile, counting open "connections" by opening stack ----

function trackConnections() {
  if (!has('newProfile')) return undefined;
  const connections = otelprof.newProfile('example.com/main-job.connections');
  // skip = 1: the recorded stack starts at the caller of openConnection, as Go's Add(value, skip).
  function openConnection(pool) {
    const conn = { pool };
    connections.add(conn, 1);
    return conn;
  }
  function openPool(pool, size) {
    const conns = [];
    for (let i = 0; i < size; i++) conns.push(openConnection(pool));
    return conns;
  }
  function openPrimaryPool() { return openPool('primary', 3); }
  function openReplicaPool() { return openPool('replica', 2); }
  const primary = openPrimaryPool();
  openReplicaPool();
  connections.remove(primary[0]); // closed: no longer counted
  return connections;
}

// ---- writing profiles ----

const written = [];

/** Opens `name` in outDir, lets `write(stream)` fill it, and waits until the file is complete. */
async function writeFile(name, write) {
  const file = path.join(outDir, name);
  const stream = fs.createWriteStream(file);
  await once(stream, 'open');
  try {
    await write(stream);
  } catch (err) {
    stream.destroy();
    await once(stream, 'close');
    fs.rmSync(file, { force: true }); // no empty or partial files
    throw err;
  }
  stream.end();
  await finished(stream);
  written.push(file);
  return file;
}

const fileName = (profileName) => profileName.replace(/[^\w.-]+/g, '_');

/** Writes every registered profile (built-ins that cannot be collected here are reported, not fatal). */
async function writeRegisteredProfiles(skip) {
  if (!has('profiles')) return;
  const unavailable = [];
  for (const p of otelprof.profiles()) {
    if (skip.has(p.name)) continue;
    try {
      await writeFile(`${fileName(p.name)}.pb.gz`, (s) => p.writeTo(s, 0));
      if (p.name.includes('/')) await writeFile(`${fileName(p.name)}.txt`, (s) => p.writeTo(s, 1));
    } catch (err) {
      if (err.code !== 'PPROF_ERR_PROFILE_NOT_AVAILABLE') throw err;
      unavailable.push(p.name);
    }
  }
  if (unavailable.length > 0) console.log(`not available in this build: ${unavailable.join(', ')}`);
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const api = ['newProfile', 'runWithLabels', 'startCPUProfile', 'writeHeapProfile', 'profiles'];
  console.log(`otelprof main job on Node ${process.version}: API in this build: ${api.map((n) => `${n} ${has(n) ? 'yes' : 'no'}`).join(', ')}`);

  trackConnections();
  // Go samples the heap from process start; otelprof's heap sampler starts on first use, so take
  // one throwaway heap profile before the workload and the real one sees its allocations.
  if (has('writeHeapProfile')) await otelprof.writeHeapProfile(new Writable({ write: (_chunk, _enc, done) => done() }));
  const cpu = has('startCPUProfile') ? fs.createWriteStream(path.join(outDir, 'cpu.pb.gz')) : undefined;
  if (cpu) await otelprof.startCPUProfile(cpu);
  const deadline = Date.now() + seconds * 1000;
  const [primes, rounds] = await Promise.all([job('primes', countPrimes, deadline), job('json', jsonRoundTrips, deadline)]);
  console.log(`workload: ${primes} primes found, ${rounds} JSON batches, ${seconds}s`);
  if (cpu) {
    await otelprof.stopCPUProfile();
    cpu.end();
    await finished(cpu);
    written.push(cpu.path);
  }
  const done = new Set();
  if (has('writeHeapProfile')) {
    await writeFile('heap.pb.gz', (s) => otelprof.writeHeapProfile(s));
    done.add('heap');
  }
  await writeRegisteredProfiles(done);
  if (written.length === 0) throw new Error('this build exports no profile API yet (see src/index.ts)');

  const useGo = haveGo();
  console.log(`\nwrote ${written.length} files to ${outDir}; summaries by ${useGo ? 'go tool pprof' : 'otelprof (go not installed)'}:`);
  for (const file of written) {
    const shown = file.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), file) : file;
    console.log(`\n=== ${shown} (${fs.statSync(file).size} bytes)`);
    console.log(file.endsWith('.txt') ? fs.readFileSync(file, 'utf8').trimEnd() : summarize(file, { useGo }));
  }
  retained.length = 0;
}

main().catch((err) => {
  console.error(`main job failed: ${err.stack ?? err}`);
  process.exitCode = 1;
});
