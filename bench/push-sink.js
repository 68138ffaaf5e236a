/**
 * A loopback Pyroscope for benchmarks that run the whole pipeline in their own process: answers
 * every request (the Push route included) with 200 and an empty body, which decodes as an empty
 * PushResponse. Unref'ed, so it never holds the process. Not part of the library.
 */
'use strict';
const http = require('node:http');

/** Starts the sink on 127.0.0.1; resolves with its port. */
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

module.exports = { startPushSink };
