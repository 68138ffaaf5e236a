'use strict';
/**
 * Optional tracing and metrics for the example service, loaded before it with `-r`:
 *
 *   node -r ./examples/service/telemetry.js --import otelprof/register examples/service/server.js
 *
 * Starts the OpenTelemetry NodeSDK (`@opentelemetry/sdk-node`, configured by the standard
 * `OTEL_*` variables: `OTEL_SERVICE_NAME`, `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, ...) with HTTP server spans, and passes its options through
 * otelprof's `withProfiling()` so each request's local root span gets `pyroscope.profile.id` and
 * the CPU samples taken under it carry its `span_id`: that is what Grafana's "Profiles for this
 * span" needs. It runs first so the global meter provider exists when otelprof's exporters create
 * their own metrics (`otelprof.exporter.*`).
 *
 * Every piece is optional: without `@opentelemetry/sdk-node` it does nothing; without otelprof it
 * traces without span profiles. `OTEL_SDK_DISABLED=true` turns it off.
 */
const optional = (name) => {
  try {
    return require(name);
  } catch {
    return undefined;
  }
};

function start() {
  if ((process.env.OTEL_SDK_DISABLED || '').trim().toLowerCase() === 'true') return undefined;
  const sdkNode = optional('@opentelemetry/sdk-node');
  if (!sdkNode) {
    console.error('telemetry: @opentelemetry/sdk-node is not installed; no traces or metrics');
    return undefined;
  }
  const httpInstrumentation = optional('@opentelemetry/instrumentation-http');
  const otelprof = optional('otelprof');
  const probes = new Set(['/healthz', '/readyz']);
  const options = {
    instrumentations: httpInstrumentation
      ? [new httpInstrumentation.HttpInstrumentation({ ignoreIncomingRequestHook: (req) => probes.has((req.url || '').split('?')[0]) })]
      : [],
  };
  const withProfiling = otelprof && typeof otelprof.withProfiling === 'function' ? otelprof.withProfiling : (o) => o;
  const sdk = new sdkNode.NodeSDK(withProfiling(options));
  sdk.start();
  let stopping;
  // 'beforeExit' (not a signal handler): the service ends by letting its loop drain, then this
  // flushes the last spans and metrics; a second 'beforeExit' after the flush finds it done.
  process.on('beforeExit', () => {
    stopping ??= sdk.shutdown().catch((err) => console.error(`telemetry: shutdown failed: ${err.message}`));
  });
  return sdk;
}

module.exports = { sdk: start() };
