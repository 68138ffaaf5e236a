import { join } from 'node:path';
import { startOtlpCollector, type OtlpCollector } from '../support/otlp-collector';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { runTsFixture } from '../support/ts-child';

/**
 * A malformed batch (here `null`, from JS code that bypasses the types) must settle as `invalid`
 * and leave the exporter working; it must never reach the host as an unhandled rejection. Run
 * in a plain node child: jest forgives a rejection that is handled late, Node's default
 * (`--unhandled-rejections=throw`) kills the process.
 */
describe('exporters given a malformed batch in a plain node host', () => {
  let pyroscope: PyroscopeCollector;
  let otlp: OtlpCollector;
  beforeAll(async () => {
    pyroscope = await startPyroscopeCollector();
    otlp = await startOtlpCollector();
  });
  afterAll(async () => {
    await pyroscope.stop();
    await otlp.close();
  });

  it('settles it as invalid, never crashes the host, and keeps exporting', async () => {
    const { code, stdout, stderr } = await runTsFixture(join(__dirname, 'fixtures', 'malformed-batch-app.ts'), [pyroscope.url, otlp.url]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      pyroscope: ['ok', 'invalid', 'ok'],
      otlp: ['ok', 'invalid', 'ok'],
      file: ['ok', 'invalid', 'ok'],
    });
    expect(pyroscope.series.length).toBeGreaterThanOrEqual(4);
    expect(otlp.received).toHaveLength(2);
  });
});
