/**
 * One run of the OpenTelemetry span-labels overhead benchmark (child of overhead-otel.js):
 * a traced HTTP server (NodeSDK + instrumentation-http) whose handler does a little CPU work
 * between awaits, driven by keep-alive loopback clients for a fixed number of requests.
 *
 * argv: variant requests concurrency
 *  - `tracing`:  NodeSDK tracing only (the baseline)
 *  - `profiling`: tracing + otelprof CPU sampling at 100 Hz, no span labels
 *  - `labels`:   tracing + CPU sampling + span labels (`withProfiling()`)
 * Prints one JSON line: requests, wall ms, process CPU µs, CPU µs per request, req/s.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AddressInfo } from 'node:net';
import { withProfiling } from '../src/otel';
import { openCpuWindow } from '../src/sampler/cpu-sampler';

const [variant, requestsArg, concurrencyArg] = process.argv.slice(2);
const requests = Number(requestsArg ?? 4000);
const concurrency = Number(concurrencyArg ?? 8);

/** Drops spans after the batch processor hands them over (the exporter's own cost is not ours). */
const dropExporter: SpanExporter = {
  export(_spans: ReadableSpan[], cb) {
    cb({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};

const base = {
  serviceName: 'bench',
  instrumentations: [new HttpInstrumentation()],
  spanProcessors: [new BatchSpanProcessor(dropExporter)],
};
const sdk = new NodeSDK(variant === 'labels' ? withProfiling(base) : base);
sdk.start();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');

function work(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.sin(i);
  return x;
}

async function handle(res: import('node:http').ServerResponse): Promise<void> {
  let acc = work(2000);
  await Promise.resolve();
  acc += work(2000);
  await new Promise((r) => setImmediate(r));
  acc += work(2000);
  res.end(String(acc));
}

async function main(): Promise<void> {
  const server = http.createServer((_req, res) => void handle(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const window = variant === 'tracing' ? undefined : openCpuWindow({ hz: 100 });
  let sent = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  const loop = async (): Promise<void> => {
    while (sent < requests) {
      sent++;
      await one();
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const samples = window?.close().samples.length ?? 0;
  agent.destroy();
  server.close();
  await sdk.shutdown();
  const cpuMicros = cpu.user + cpu.system;
  process.stdout.write(
    JSON.stringify({ variant, requests, wallMs, cpuMicros, cpuMicrosPerRequest: cpuMicros / requests, reqPerSec: requests / (wallMs / 1000), samples }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
