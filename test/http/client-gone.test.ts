/**
 * A client that leaves before the handler runs (the app's own async middleware, e.g. a session
 * lookup, finished after the client gave up): Go's handler sees a request context that is already
 * done and stops at once. The profile must not keep running for the `seconds` nobody waits for,
 * holding the CPU profiler so that every later request gets "cpu profiling already in use".
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pprofHandler, servePprof, type PprofServer } from '../../src/http';
import { stopCPUProfile } from '../../src/profiles';

interface Reply {
  status: number;
  body: string;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let host: Server;
let pprof: PprofServer;
/** Resolves with each request the host receives; the handler only runs after the client has gone. */
let arrived: (req: IncomingMessage) => void = () => undefined;
let handedOver: () => void = () => undefined;

beforeAll(async () => {
  const handler = pprofHandler();
  host = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.once('close', () => {
      handler(req, res);
      handedOver();
    });
    arrived(req);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  pprof = await servePprof({ port: 0 });
});

afterAll(async () => {
  await stopCPUProfile();
  await pprof.close();
  await new Promise<void>((resolve) => host.close(() => resolve()));
});

describe('client gone before the handler runs', () => {
  test.each([
    ['/debug/pprof/profile?seconds=60'],
    ['/debug/pprof/ui/data?profile=cpu&seconds=60'],
  ])('%s does not leave the CPU profiler running', async (path) => {
    const received = new Promise<void>((resolve) => { arrived = () => resolve(); });
    const handled = new Promise<void>((resolve) => { handedOver = resolve; });
    const client = request({ host: '127.0.0.1', port: (host.address() as AddressInfo).port, path });
    client.on('error', () => undefined);
    client.end();
    await received;
    client.destroy();
    await handled;

    const next = await get(pprof.port, '/debug/pprof/profile?seconds=1');
    expect(next.body).not.toContain('cpu profiling already in use');
    expect(next.status).toBe(200);
  });
});
