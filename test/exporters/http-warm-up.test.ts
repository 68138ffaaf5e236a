import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { HttpTransport } from '../../exporters/shared';
import { runHttpClientWarmUp } from '../../exporters/shared/warm-up-client';

type Seen = Array<{ path: string; suppressed: boolean }>;

/** Requests Node's http client starts while `fn` runs (it sees the list grow), with whether tracing was suppressed. */
async function watchClientRequests(fn: (seen: Seen) => Promise<void>): Promise<Seen> {
  const seen: Seen = [];
  const onStart = (msg: unknown): void => {
    const req = (msg as { request: ClientRequest }).request;
    seen.push({ path: req.path, suppressed: isTracingSuppressed(context.active()) });
  };
  dc.subscribe('http.client.request.start', onStart);
  try {
    await fn(seen);
  } finally {
    dc.unsubscribe('http.client.request.start', onStart);
  }
  return seen;
}

describe('exporters/shared HTTP client warm-up', () => {
  it('runs one request over an in-memory socket (no network), answered 204, with tracing suppressed', async () => {
    const cm = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(cm);
    try {
      let status = 0;
      const seen = await watchClientRequests(async () => {
        // A real connection would go to 127.0.0.1:80, where nothing answers 204.
        status = await runHttpClientWarmUp();
      });
      expect(status).toBe(204);
      expect(seen).toEqual([{ path: '/otelprof-warm-up', suppressed: true }]);
    } finally {
      context.disable();
    }
  });

  it('transports start it once per process, in a later turn', async () => {
    let duringConstructors = -1;
    const seen = await watchClientRequests(async (soFar) => {
      const a = new HttpTransport({ endpoint: new URL('http://127.0.0.1:1'), timeoutMillis: 1000, keepAliveMillis: 1000 });
      const b = new HttpTransport({ endpoint: new URL('http://127.0.0.1:1'), timeoutMillis: 1000, keepAliveMillis: 1000 });
      duringConstructors = soFar.length;
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      await a.close();
      await b.close();
    });
    expect(duringConstructors).toBe(0);
    expect(seen.map((s) => s.path)).toEqual(['/otelprof-warm-up']);
  });
});
