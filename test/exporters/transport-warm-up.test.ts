/**
 * The HTTP exporters' transport warm-up (exporters/shared/transport-warm-up.ts): requests through
 * the transport to a loopback server of its own, once per process, for `http:` endpoints in a
 * process that listens, never holding the host process open. What it is for (V8 not
 * re-optimizing the app's stream code at the first upload) is measured in bench/RESULTS.md,
 * seventeenth pass.
 */
import { join } from 'node:path';
import { runTransportWarmUp, WARM_UP_REQUESTS } from '../../exporters/shared/transport-warm-up';
import { runTsFixture } from '../support/ts-child';

const runFixture = (mode: string) => runTsFixture(join(__dirname, 'fixtures', 'transport-warm-up-app.ts'), [mode]);

async function fixtureResult(mode: string): Promise<unknown> {
  const { code, stdout, stderr } = await runFixture(mode);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe('transport warm-up', () => {
  it('gets an answer to every request', async () => {
    expect(WARM_UP_REQUESTS).toBeGreaterThanOrEqual(8);
    await expect(runTransportWarmUp()).resolves.toBe(WARM_UP_REQUESTS);
    await expect(runTransportWarmUp(3)).resolves.toBe(3);
  });

  it('resolves 0 without throwing where it cannot listen', async () => {
    // TEST-NET-1 (RFC 5737): no interface of this machine has it, so listening fails.
    await expect(runTransportWarmUp(WARM_UP_REQUESTS, '192.0.2.1')).resolves.toBe(0);
  });

  it('runs once per process, for http: exporters only, on one connection', async () => {
    expect(await fixtureResult('exporters')).toEqual({
      answered: WARM_UP_REQUESTS,
      startedAfterHttps: false,
      startedAfterHttp: true,
      // Two http: exporters, one warm-up: its client connection and the server's side of it.
      clientSockets: 1,
      serverSockets: 1,
      requests: WARM_UP_REQUESTS,
    });
  });

  it('runs when the app starts listening after its first look', async () => {
    expect(await fixtureResult('late-server')).toMatchObject({ answered: WARM_UP_REQUESTS, clientSockets: 1, requests: WARM_UP_REQUESTS });
  });

  it('does not run in a process that does not listen', async () => {
    expect(await fixtureResult('no-server')).toMatchObject({ answered: 0, startedAfterHttp: true, clientSockets: 0, serverSockets: 0 });
  });

  it('does not hold the host process open', async () => {
    expect(await fixtureResult('alone')).toEqual({ answered: WARM_UP_REQUESTS });
  });
});
