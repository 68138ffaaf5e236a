/** Which destination the environment alone selects for `otelprof/register`. */
import { zeroCodeOptions } from '../../src/scheduler/zero-code';

describe('zeroCodeOptions', () => {
  it.each([
    ['nothing set: embedded default (files + pull endpoint on 6060)', {}, { exporters: ['file'], pprofPort: 6060 }, true],
    ['OTELPROF_PPROF_PORT kept for the embedded default', { OTELPROF_PPROF_PORT: '0' }, { exporters: ['file'] }, true],
    ['Pyroscope address: the configuration decides', { PYROSCOPE_SERVER_ADDRESS: 'http://127.0.0.1:4040' }, {}, false],
    ['explicit exporters: the configuration decides', { OTELPROF_EXPORTERS: 'otlp,file' }, {}, false],
    ['profiles OTLP endpoint only: OTLP', { OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'http://127.0.0.1:4318/v1development/profiles' }, { exporters: ['otlp'] }, false],
    // Set for traces; must neither disable the default nor send profiles to a Pyroscope that is not there.
    ['generic OTLP endpoint only: still the embedded default', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, { exporters: ['file'], pprofPort: 6060 }, true],
  ] as Array<[string, NodeJS.ProcessEnv, object, boolean]>)('%s', (_name, env, options, embedded) => {
    const r = zeroCodeOptions(env);
    expect(r.options).toEqual(options);
    expect(r.embeddedDefault).toBe(embedded);
  });
});
