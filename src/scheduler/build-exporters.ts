/** From the resolved configuration to the exporters the scheduler ships every period to. */
import type { ProfilingConfig } from '../config';
import type { ProfileExporter } from '../../exporters/types';

// Each exporter module (with its generated protobuf code) loads only when it is configured.
/* eslint-disable @typescript-eslint/no-require-imports */
const pyroscope = (): typeof import('../../exporters/pyroscope') => require('../../exporters/pyroscope');
const otlp = (): typeof import('../../exporters/otlp') => require('../../exporters/otlp');
const file = (): typeof import('../../exporters/file') => require('../../exporters/file');
/* eslint-enable @typescript-eslint/no-require-imports */

/** One exporter per configured destination (`config.exporters`), in that order. Throws InvalidArgumentError for bad settings. */
export function buildExporters(config: ProfilingConfig): ProfileExporter[] {
  return config.exporters.map((name): ProfileExporter => {
    switch (name) {
      case 'pyroscope':
        return new (pyroscope().PyroscopeExporter)({
          endpoint: config.serverAddress,
          route: config.pyroscopeRoute,
          legacyLabelNames: config.legacyLabelNames,
          authToken: config.authToken,
          basicAuth: config.basicAuth,
          tenantId: config.tenantId,
          headers: config.httpHeaders,
          timeoutMillis: config.exportTimeoutMillis,
          maxQueueItems: config.maxQueueItems,
          maxQueueBytes: config.maxQueueBytes,
          maxAttempts: config.maxAttempts,
          flushTimeoutMillis: config.shutdownTimeoutMillis,
        });
      case 'otlp':
        return otlp().createOtlpExporter({
          url: config.otlp.url,
          headers: config.otlp.headers,
          compression: config.otlp.compression,
          timeoutMillis: config.otlp.timeoutMillis,
          maxQueueItems: config.maxQueueItems,
          maxQueueBytes: config.maxQueueBytes,
          maxAttempts: config.maxAttempts,
          flushTimeoutMillis: config.shutdownTimeoutMillis,
          // The config module already reported invalid OTEL_EXPORTER_OTLP_* values once.
          reportEnvIssues: false,
        });
      case 'file':
        return new (file().FileExporter)({ directory: config.fileExportDir });
    }
  });
}
