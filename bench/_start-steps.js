const { mark } = require('./gc-survivors');
const D = process.env.D;
const http = require('node:http'); require('node:perf_hooks');
mark('stdout'); mark('start');
require(D + '/src/index'); mark('index');
require(D + '/src/pprof'); const sampler = require(D + '/src/sampler'); mark('pprof+sampler');
const { exporterTransport } = require(D + '/exporters/shared'); mark('exporters/shared');
const sink = http.createServer((q, s) => { q.resume(); q.on('end', () => s.end()); });
sink.listen(0, '127.0.0.1', () => {
  mark('sink listening');
  const t = exporterTransport({ endpoint: new URL(`http://127.0.0.1:${sink.address().port}`), timeoutMillis: 10000, keepAliveMillis: 30000 }); mark('transport made');
  const w = sampler.openCpuWindow({ hz: 100 }); mark('cpu window');
  sampler.startHeapSampler({ intervalBytes: 524288 }); mark('heap sampler');
  sampler.warmUpCollections(); mark('warm-up called');
  setTimeout(() => { mark('300 ms'); setTimeout(() => { mark('1300 ms (early read)'); w.close(); sink.close(); t.close?.(); }, 1000); }, 300);
});
