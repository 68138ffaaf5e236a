/**
 * A loopback Pyroscope for benchmarks that run the whole pipeline: answers every request (the Push
 * route included) with 200 and an empty body, which decodes as an empty PushResponse. In the
 * bench's own process (`startPushSink`, unref'ed so it never holds the process) or in a child
 * process (`startPushSinkProcess`), where receiving the uploads does not add to the memory and GC
 * figures of the process being measured, as with a real Pyroscope. Not part of the library.
 *
 *   node bench/push-sink.js   (serves until killed; prints its port on the first line)
 */
'use strict';
const http = require('node:http');
const { spawn } = require('node:child_process');

/** Starts the sink on 127.0.0.1 in this process; resolves with its port. */
function startPushSink() {
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/proto' });
      res.end();
    });
  });
  return new Promise((resolve) => sink.listen(0, '127.0.0.1', () => {
    sink.unref();
    resolve(sink.address().port);
  }));
}

/** Starts the sink in a child process (killed when this one exits); resolves with its port. */
function startPushSinkProcess() {
  const child = spawn(process.execPath, [__filename], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill());
  child.unref();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n');
      if (line.length < 2) return;
      child.stdout.destroy();
      resolve(Number(line[0]));
    });
    child.once('exit', (code) => reject(new Error(`push sink exited with ${code}`)));
  });
}

if (require.main === module) {
  startPushSink().then((port) => {
    process.stdout.write(`${port}\n`);
    // Unref'ed server: an interval keeps the sink alive until the parent kills it.
    setInterval(() => {}, 1 << 30);
  });
}

module.exports = { startPushSink, startPushSinkProcess };
