#!/usr/bin/env node
/**
 * A light load generator for bench/overhead-toggle.js: `connections` keep-alive TCP connections,
 * each with one `GET /work` in flight at a time (closed loop), written as raw bytes and counted by
 * the status lines that come back, without an HTTP client. It needs a few µs per request, so the
 * server, not the loader, sets the pace and sees the same backlog all the time: the node:http
 * client loader (bench/overhead-load.js) costs about as much CPU per request as the server, and on
 * a 2-core box the two then trade the pace, which swung the server's CPU per request by 30 %.
 *   node bench/overhead-load-raw.js <port> <connections>    # runs until killed
 */
'use strict';
const net = require('node:net');

const [port, connections] = process.argv.slice(2).map(Number);
const REQUEST = Buffer.from('GET /work HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
const STATUS = 'HTTP/1.1 ';

for (let i = 0; i < connections; i++) {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(REQUEST));
  socket.setNoDelay(true);
  let tail = '';
  socket.on('data', (chunk) => {
    // Each response starts with a status line; a chunk boundary may cut one (the tail keeps it).
    const text = tail + chunk.toString('latin1');
    let n = 0;
    for (let at = text.indexOf(STATUS); at !== -1; at = text.indexOf(STATUS, at + STATUS.length)) n++;
    tail = text.slice(-(STATUS.length - 1));
    for (let k = 0; k < n; k++) socket.write(REQUEST);
  });
  socket.on('error', () => process.exit(0));
  socket.on('close', () => process.exit(0));
}
