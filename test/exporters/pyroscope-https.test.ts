import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '../../exporters/types';
import { PyroscopeExporter } from '../../exporters/pyroscope';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { batchOf } from './pyroscope-fixtures';

describe('PyroscopeExporter over HTTPS', () => {
  let collector: PyroscopeCollector;
  let cert: string;
  beforeAll(async () => {
    const d = mkdtempSync(join(tmpdir(), 'otelprof-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(d, 'key.pem'), '-out', join(d, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(join(d, 'cert.pem'), 'utf8');
    collector = await startPyroscopeCollector({ tls: { key: readFileSync(join(d, 'key.pem'), 'utf8'), cert } });
  });
  afterAll(() => collector.stop());

  it('uploads when the server certificate is trusted through tls.ca', async () => {
    const exporter = new PyroscopeExporter({ endpoint: collector.url, tls: { ca: cert } });
    expect(collector.url.startsWith('https://')).toBe(true);
    expect(await exporter.export(batchOf(['cpu']))).toEqual({ code: ExportResultCode.SUCCESS });
    await exporter.shutdown();
    expect(collector.series).toHaveLength(1);
  });

  it('refuses an untrusted certificate (counted as a network failure, dropped after maxAttempts)', async () => {
    const exporter = new PyroscopeExporter({ endpoint: collector.url, maxAttempts: 2, initialBackoffMillis: 1, jitter: 0 });
    const r = await exporter.export(batchOf(['cpu']));
    await exporter.shutdown();
    expect(r).toMatchObject({ code: ExportResultCode.FAILED, reason: 'dropped' });
    expect((r as { error: Error }).error.message).toMatch(/certificate/i);
  });
});
