/** Reads the exporters' self-metrics through a real OTel SDK meter provider (in-memory reader). */
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** A meter provider and a function summing a metric's points (optionally filtered by attributes). */
export function testMeter(): { provider: MeterProvider; sum(name: string, attrs?: Record<string, string>): Promise<number>; count(name: string): Promise<number> } {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  async function points(name: string): Promise<Array<DataPoint<unknown>>> {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as Array<DataPoint<unknown>>);
  }
  return {
    provider,
    async sum(name, attrs = {}) {
      return (await points(name))
        .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
        .reduce((n, p) => n + (p.value as number), 0);
    },
    async count(name) {
      return (await points(name)).reduce((n, p) => n + ((p.value as { count?: number }).count ?? 0), 0);
    },
  };
}
