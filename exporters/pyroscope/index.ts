/**
 * The Grafana Pyroscope exporter: Push API (default) or `/ingest`, with reliable delivery, plus
 * the profile type table (`__name__` and profile type IDs) other parts and the deploy files use.
 */
export { PyroscopeExporter } from './exporter';
export type { PyroscopeExporterOptions } from './options';
export { DEFAULT_LABEL_RULES, type LabelRules } from './labels';
export {
  CPU_PROFILE_TYPE_ID,
  PYROSCOPE_PROFILE_TYPES,
  isBuiltinProfileType,
  profileTypeId,
  profileTypeIdsOf,
  pyroscopeName,
  type BuiltinProfileType,
  type PyroscopeProfileType,
} from './profile-types';
