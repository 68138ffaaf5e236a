/**
 * Grafana provisioning in deploy/grafana: the dashboard is typed against `@grafana/schema` (tsc
 * checks the assignment below) and checked at runtime; data sources are checked against what
 * Grafana's provisioning reads; every profile type ID must be one the otelprof exporter sends,
 * and every otelprof metric a panel queries must be one otelprof records.
 */
import { join } from 'node:path';
import type { Dashboard, DataQuery, DataSourceRef, Panel, RowPanel, VariableModel } from '@grafana/schema';
import { defaultDashboard } from '@grafana/schema';
import { MeterProvider, MetricReader, DataPointType, type MetricDescriptor } from '@opentelemetry/sdk-metrics';
import dashboardJson from '../../deploy/grafana/dashboards/otelprof-service.json';
import { CPU_PROFILE_TYPE_ID, PYROSCOPE_PROFILE_TYPES } from '../../exporters/pyroscope/profile-types';
import { SelfMetrics } from '../../exporters/shared/self-metrics';
import { resourceToSeriesLabels } from '../../src/otel';
import { DEPLOY, listFiles, readYaml } from './deploy-files';

// ---- types -------------------------------------------------------------------------------

/**
 * JSON imports type their strings as `string`, so a schema's string-literal unions and string
 * enums are widened to `string` (numbers and booleans likewise); everything else (field names,
 * nesting, required fields, primitive kinds) is checked as Grafana's schema declares it. The
 * literal values are checked at runtime below.
 */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends ReadonlyArray<infer U>
        ? Array<Widen<U>>
        : T extends object
          ? { [K in keyof T]: Widen<T[K]> }
          : T;

// The type check: fails `tsc` when the JSON does not fit @grafana/schema's Dashboard.
const typedDashboard: Widen<Dashboard> = dashboardJson;
const dashboard = dashboardJson as unknown as Dashboard;

/** The Pyroscope data source query (grafana `GrafanaPyroscopeDataQuery`, plugin grafana-pyroscope-datasource). */
interface PyroscopeQuery extends DataQuery {
  labelSelector: string;
  profileTypeId: string;
  groupBy: string[];
  queryType: 'metrics' | 'profile' | 'both';
  maxNodes?: number;
  spanSelector?: string[];
}

/** The Prometheus data source query (the fields used here). */
interface PrometheusQuery extends DataQuery {
  expr: string;
  legendFormat?: string;
  range?: boolean;
}

/** Grafana's data source provisioning file (`apiVersion: 1`), the fields it reads. */
interface DatasourceProvisioning {
  apiVersion: 1;
  datasources: ProvisionedDatasource[];
}
interface ProvisionedDatasource {
  name: string;
  type: string;
  uid: string;
  access: 'proxy' | 'direct';
  url: string;
  isDefault?: boolean;
  editable?: boolean;
  jsonData?: Record<string, unknown>;
}
/** Tempo's `jsonData.tracesToProfiles` (grafana `TraceToProfilesOptions`). */
interface TracesToProfiles {
  datasourceUid: string;
  profileTypeId: string;
  tags: Array<{ key: string; value?: string }>;
  customQuery: boolean;
  query?: string;
}

// Keys Grafana's schema knows, checked by tsc against @grafana/schema; the JSON may use only these.
const DASHBOARD_KEYS = [
  'annotations', 'description', 'editable', 'graphTooltip', 'links', 'panels', 'refresh', 'schemaVersion', 'tags',
  'templating', 'time', 'timezone', 'title', 'uid', 'version', 'timepicker', 'fiscalYearStartMonth', 'liveNow', 'weekStart',
] as const satisfies ReadonlyArray<keyof Dashboard>;
const PANEL_KEYS = [
  'id', 'type', 'title', 'description', 'datasource', 'gridPos', 'targets', 'options', 'fieldConfig', 'interval', 'maxDataPoints',
  'transformations', 'links', 'transparent', 'pluginVersion',
] as const satisfies ReadonlyArray<keyof Panel>;
const ROW_KEYS = ['id', 'type', 'title', 'collapsed', 'gridPos', 'panels', 'datasource', 'repeat'] as const satisfies ReadonlyArray<keyof RowPanel>;
const VARIABLE_KEYS = [
  'name', 'label', 'type', 'datasource', 'query', 'refresh', 'sort', 'includeAll', 'multi', 'hide', 'current', 'options', 'regex', 'description',
] as const satisfies ReadonlyArray<keyof VariableModel>;
const VARIABLE_TYPES = ['query', 'adhoc', 'groupby', 'constant', 'datasource', 'interval', 'textbox', 'custom', 'system', 'snapshot', 'switch'];

// ---- inputs ------------------------------------------------------------------------------

const provisioning = readYaml<DatasourceProvisioning>(join(DEPLOY, 'grafana/provisioning/datasources/datasources.yml'));
const byUid = new Map(provisioning.datasources.map((d) => [d.uid, d]));
const allProfileTypeIds = new Set(Object.values(PYROSCOPE_PROFILE_TYPES).flatMap((t) => t.profileTypeIds));

function isRow(p: Panel | RowPanel): p is RowPanel {
  return p.type === 'row';
}
const panels = (dashboard.panels ?? []).flatMap((p) => (isRow(p) ? p.panels : [p]));
const rows = (dashboard.panels ?? []).filter(isRow);

function extraKeys(obj: object, allowed: readonly string[]): string[] {
  return Object.keys(obj).filter((k) => !allowed.includes(k));
}

function isPyroscopeQuery(t: Record<string, unknown>): t is PyroscopeQuery & Record<string, unknown> {
  return (
    typeof t.refId === 'string' && typeof t.labelSelector === 'string' && typeof t.profileTypeId === 'string' &&
    Array.isArray(t.groupBy) && t.groupBy.every((g) => typeof g === 'string') &&
    (t.queryType === 'metrics' || t.queryType === 'profile' || t.queryType === 'both')
  );
}

function isPrometheusQuery(t: Record<string, unknown>): t is PrometheusQuery & Record<string, unknown> {
  return typeof t.refId === 'string' && typeof t.expr === 'string' && t.expr.trim() !== '';
}

/** The data source a panel target uses (its own, else the panel's), resolved to the provisioned one. */
function datasourceOf(panel: Panel, target: Record<string, unknown>): ProvisionedDatasource {
  const ref = (target.datasource ?? panel.datasource) as DataSourceRef | undefined;
  expect(ref?.uid).toBeDefined();
  const ds = byUid.get(ref!.uid!);
  expect({ panel: panel.title, uid: ref!.uid, provisioned: ds !== undefined }).toEqual({ panel: panel.title, uid: ref!.uid, provisioned: true });
  expect(ref!.type).toBe(ds!.type);
  return ds!;
}

// ---- otelprof's own metrics, as a Prometheus scrape of the collector shows them -----------

/** Collects the descriptors of every instrument SelfMetrics records through a real SDK meter provider. */
async function selfMetricDescriptors(): Promise<Array<{ descriptor: MetricDescriptor; dataPointType: DataPointType; isMonotonic?: boolean }>> {
  class Reader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  const reader = new Reader();
  const provider = new MeterProvider({ readers: [reader] });
  const m = new SelfMetrics('pyroscope', provider);
  m.exported(1);
  m.dropped(1, 'queue_full');
  m.retried();
  m.sent(100, 5);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics.scopeMetrics.flatMap((s) =>
    s.metrics.map((x) => ({ descriptor: x.descriptor, dataPointType: x.dataPointType, isMonotonic: 'isMonotonic' in x ? x.isMonotonic : undefined })),
  );
}

/** OTel name/unit -> the names the collector's `prometheus` exporter publishes (suffixes added). */
function prometheusNames(d: { descriptor: MetricDescriptor; dataPointType: DataPointType; isMonotonic?: boolean }): string[] {
  const UNITS: Record<string, string> = { By: 'bytes', ms: 'milliseconds', s: 'seconds', '1': '' };
  let name = d.descriptor.name.replace(/[^a-zA-Z0-9_:]/g, '_');
  const unit = d.descriptor.unit.replace(/\{[^}]*\}/g, '');
  const suffix = UNITS[unit] ?? unit;
  if (suffix && !name.split('_').includes(suffix)) name = `${name}_${suffix}`;
  if (d.dataPointType === DataPointType.HISTOGRAM) return ['_bucket', '_sum', '_count'].map((s) => name + s);
  if (d.dataPointType === DataPointType.SUM && d.isMonotonic) return [`${name}_total`];
  return [name];
}

// ---- tests -------------------------------------------------------------------------------

describe('dashboard JSON (deploy/grafana/dashboards)', () => {
  test('only one dashboard file, and it is the one typed here', () => {
    expect(listFiles(join(DEPLOY, 'grafana/dashboards'))).toEqual(['otelprof-service.json']);
    expect(typedDashboard.uid).toBe('otelprof-service');
  });

  test('uses only keys of the @grafana/schema types, at its schema version', () => {
    expect(extraKeys(dashboard, DASHBOARD_KEYS)).toEqual([]);
    for (const p of panels) expect({ id: p.id, extra: extraKeys(p, PANEL_KEYS) }).toEqual({ id: p.id, extra: [] });
    for (const r of rows) expect(extraKeys(r, ROW_KEYS)).toEqual([]);
    for (const v of dashboard.templating?.list ?? []) expect(extraKeys(v, VARIABLE_KEYS)).toEqual([]);
    expect(dashboard.schemaVersion).toBe(defaultDashboard.schemaVersion);
  });

  test('panels have unique ids and non-overlapping positions inside the 24-column grid', () => {
    const all = [...rows, ...panels];
    const ids = all.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of all) {
      const g = p.gridPos!;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const key = `${x},${y}`;
          expect({ panel: p.id, cell: key, free: !cells.has(key) }).toEqual({ panel: p.id, cell: key, free: true });
          cells.add(key);
        }
      }
    }
  });

  test('variables are valid: known types, a provisioned data source, service_name values', () => {
    const vars = dashboard.templating?.list ?? [];
    expect(vars.map((v) => v.name)).toContain('service');
    for (const v of vars) {
      expect(VARIABLE_TYPES).toContain(v.type);
      if (v.datasource) expect(byUid.get(v.datasource.uid!)?.type).toBe(v.datasource.type);
    }
    const service = vars.find((v) => v.name === 'service')!;
    const query = service.query as Record<string, unknown>;
    expect(query).toMatchObject({ type: 'labelValue', labelName: 'service_name' });
    expect(allProfileTypeIds.has(query.profileTypeId as string)).toBe(true);
  });

  test('flame graphs for cpu, wall and heap, with profile type IDs the exporter sends', () => {
    const flameIds = new Set<string>();
    let pyroscopeTargets = 0;
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const ds = datasourceOf(p, t);
        if (ds.type !== 'grafana-pyroscope-datasource') continue;
        pyroscopeTargets++;
        expect(isPyroscopeQuery(t)).toBe(true);
        if (!isPyroscopeQuery(t)) continue;
        const q: PyroscopeQuery = t;
        expect({ panel: p.title, id: q.profileTypeId, sent: allProfileTypeIds.has(q.profileTypeId) }).toEqual({ panel: p.title, id: q.profileTypeId, sent: true });
        expect(q.labelSelector).toBe('{service_name="$service"}');
        if (p.type === 'flamegraph') {
          expect(q.queryType).toBe('profile');
          flameIds.add(q.profileTypeId);
        }
      }
    }
    expect(pyroscopeTargets).toBeGreaterThanOrEqual(3);
    expect(flameIds).toEqual(
      new Set([CPU_PROFILE_TYPE_ID, ...PYROSCOPE_PROFILE_TYPES.wall.profileTypeIds.filter((id) => id.startsWith('wall:wall:')),
        ...PYROSCOPE_PROFILE_TYPES.heap.profileTypeIds.filter((id) => id.includes(':inuse_space:'))]),
    );
  });

  test('metric panels query only otelprof metrics that otelprof records', async () => {
    const recorded = new Set((await selfMetricDescriptors()).flatMap(prometheusNames));
    expect(recorded.size).toBeGreaterThanOrEqual(5);
    const queried = new Set<string>();
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (datasourceOf(p, t).type !== 'prometheus') continue;
        expect(isPrometheusQuery(t)).toBe(true);
        if (!isPrometheusQuery(t)) continue;
        const expr = t.expr;
        for (const m of expr.matchAll(/\b(otelprof_[a-z0-9_]+)/g)) queried.add(m[1]);
        expect(expr).toContain('job="$service"');
      }
    }
    expect(queried.size).toBeGreaterThanOrEqual(4);
    for (const name of queried) expect({ name, recorded: recorded.has(name) }).toEqual({ name, recorded: true });
  });
});

describe('data source provisioning', () => {
  test('apiVersion 1, unique names and UIDs, fields of the right kinds', () => {
    expect(provisioning.apiVersion).toBe(1);
    const uids = provisioning.datasources.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(provisioning.datasources.map((d) => d.name)).size).toBe(uids.length);
    for (const d of provisioning.datasources) {
      expect(typeof d.name).toBe('string');
      expect(d.access).toBe('proxy');
      expect(() => new URL(d.url)).not.toThrow();
    }
    expect(provisioning.datasources.filter((d) => d.isDefault).length).toBe(1);
  });

  test('Pyroscope is provisioned with the plugin type Grafana ships', () => {
    const py = provisioning.datasources.filter((d) => d.type === 'grafana-pyroscope-datasource');
    expect(py.map((d) => d.uid)).toEqual(['pyroscope']);
  });

  test("Tempo's traces-to-profiles points at Pyroscope, otelprof's CPU type and service_name", () => {
    const tempo = provisioning.datasources.find((d) => d.type === 'tempo')!;
    const t2p = tempo.jsonData!.tracesToProfiles as TracesToProfiles;
    expect(byUid.get(t2p.datasourceUid)?.type).toBe('grafana-pyroscope-datasource');
    expect(t2p.profileTypeId).toBe('process_cpu:cpu:nanoseconds:cpu:nanoseconds');
    expect(t2p.profileTypeId).toBe(CPU_PROFILE_TYPE_ID);
    expect(PYROSCOPE_PROFILE_TYPES.cpu.profileTypeIds).toContain(t2p.profileTypeId);
    expect(t2p.customQuery).toBe(false);
    expect(t2p.tags).toEqual([{ key: 'service.name', value: 'service_name' }]);
  });

  test('the tag mapping matches the label otelprof derives from service.name', () => {
    const labels = resourceToSeriesLabels({ OTEL_SERVICE_NAME: 'checkout' });
    expect(labels.service_name).toBe('checkout');
  });
});
