import type { Label, Profile, Sample } from '../../src/pprof/model';
import type { LogOnce } from '../shared/log-once';

/**
 * Pyroscope's label rules (reference: pyroscope-ingest.md §3.3-§3.4), applied before sending so
 * that a payload is never rejected for something the client could have fixed. Fixes are logged
 * once per kind: bad names dropped (or sanitised in legacy mode), long values truncated, extra
 * labels dropped beyond the limits, malformed span/trace ids removed.
 */
export interface LabelRules {
  /** Labels per series, fixed ones (`__name__`, `service_name`, ...) and promoted sample labels included. Pyroscope default 30. */
  maxLabelNamesPerSeries: number;
  /** Bytes per label name. Pyroscope default 1024. */
  maxLabelNameLength: number;
  /** Bytes per label value. Pyroscope default 2048. */
  maxLabelValueLength: number;
  /** Labels per pprof sample. Pyroscope default 100. */
  maxSampleLabels: number;
  /**
   * Pre-2.0 label names (`validation.disable_label_sanitization=false`, maybe Grafana Cloud):
   * names are rewritten to `[A-Za-z_][A-Za-z0-9_]*` (dots and other characters become `_`).
   */
  legacyLabelNames: boolean;
}

/** Pyroscope's defaults. */
export const DEFAULT_LABEL_RULES: Readonly<LabelRules> = Object.freeze({
  maxLabelNamesPerSeries: 30,
  maxLabelNameLength: 1024,
  maxLabelValueLength: 2048,
  maxSampleLabels: 100,
  legacyLabelNames: false,
});

/** Sample labels Pyroscope keeps per sample (never series labels), with their value format. */
const SPAN_LABELS: ReadonlyMap<string, RegExp> = new Map([
  ['span_id', /^[0-9a-fA-F]{16}$/],
  ['profile_id', /^[0-9a-fA-F]{16}$/],
  ['trace_id', /^[0-9a-fA-F]{32}$/],
]);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone UTF-16 surrogates (which would encode as invalid UTF-8) with U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** Applies `LabelRules` to series labels and to the labels of a profile's samples. */
export class LabelSanitizer {
  private readonly _rules: LabelRules;
  private readonly _log: LogOnce;

  /** `log` receives one warning per kind of fix. */
  constructor(rules: LabelRules, log: LogOnce) {
    this._rules = rules;
    this._log = log;
  }

  /** A usable label name, or undefined (dropped, logged). */
  name(raw: string): string | undefined {
    let s = wellFormed(raw);
    if (this._rules.legacyLabelNames) {
      s = s.replace(/[^A-Za-z0-9_]/g, '_');
      if (/^[0-9]/.test(s)) s = `_${s}`;
    }
    if (s.length === 0) return this._dropName(raw, 'label-name-empty', 'is empty');
    if (Buffer.byteLength(s, 'utf8') > this._rules.maxLabelNameLength) {
      return this._dropName(raw, 'label-name-too-long', `is longer than ${this._rules.maxLabelNameLength} bytes`);
    }
    return s;
  }

  /** A usable label value: well-formed, truncated to the length limit (logged). */
  value(name: string, raw: string): string {
    const s = truncateUtf8(wellFormed(raw), this._rules.maxLabelValueLength);
    if (s.length < raw.length) {
      this._log.warn('label-value-too-long', `otelprof: value of label ${JSON.stringify(name)} truncated to ${this._rules.maxLabelValueLength} bytes`);
    }
    return s;
  }

  /**
   * The final series labels: `fixed` first (e.g. `__name__`, `__delta__`), then `service_name`
   * (`unknown_service` if missing, as Pyroscope would), then `user` labels in order. Reserved
   * `__*` user names, bad names and duplicates are dropped; the total is capped.
   */
  series(fixed: ReadonlyArray<readonly [string, string]>, user: Readonly<Record<string, string>>): Map<string, string> {
    const out = new Map<string, string>(fixed);
    const service = typeof user.service_name === 'string' ? this.value('service_name', user.service_name) : '';
    if (service === '') this._log.warn('service-name-missing', 'otelprof: series label service_name is missing or empty; using "unknown_service"');
    out.set('service_name', service || 'unknown_service');
    const dropped: string[] = [];
    for (const [k, v] of Object.entries(user)) {
      if (k === 'service_name') continue;
      const name = this._userName(k);
      if (name === undefined) continue;
      const value = this.value(name, String(v));
      const prev = out.get(name);
      if (prev !== undefined) {
        if (prev !== value) this._log.warn('label-duplicate', `otelprof: label ${JSON.stringify(k)} dropped: duplicates ${JSON.stringify(name)} with another value`);
        continue;
      }
      if (out.size >= this._rules.maxLabelNamesPerSeries) {
        dropped.push(name);
        continue;
      }
      out.set(name, value);
    }
    if (dropped.length > 0) {
      this._log.warn('series-label-limit', `otelprof: series labels ${dropped.join(', ')} dropped: Pyroscope allows ${this._rules.maxLabelNamesPerSeries} labels per series`);
    }
    return out;
  }

  /**
   * The profile with its sample labels made acceptable (the input is returned unchanged when
   * nothing needed fixing; otherwise a copy). Pyroscope promotes every string sample label except
   * span/trace ids to a series label, so those count against the per-series limit alongside `series`.
   */
  samples(profile: Profile, series: ReadonlyMap<string, string>): Profile {
    let changed = false;
    const promoted = new Set<string>();
    const cleaned = profile.samples.map((s) => {
      const labels = this._sampleLabels(s.labels, promoted);
      if (labels !== s.labels) changed = true;
      return labels;
    });
    const budget = Math.max(0, this._rules.maxLabelNamesPerSeries - series.size);
    const extra = [...promoted].filter((k) => !series.has(k)).slice(budget);
    if (extra.length > 0) {
      changed = true;
      this._log.warn('sample-label-limit', `otelprof: sample labels ${extra.join(', ')} dropped: with the series labels they exceed Pyroscope's ${this._rules.maxLabelNamesPerSeries} labels per series`);
      const drop = new Set(extra);
      for (let i = 0; i < cleaned.length; i++) cleaned[i] = cleaned[i].filter((l) => !drop.has(l.key));
    }
    if (!changed) return profile;
    const samples: Sample[] = profile.samples.map((s, i) => ({ ...s, labels: cleaned[i] }));
    return { ...profile, samples };
  }

  /** One sample's labels, fixed; the same array when nothing changed. */
  private _sampleLabels(labels: Label[], promoted: Set<string>): Label[] {
    let changed = false;
    const out: Label[] = [];
    const seen = new Set<string>();
    for (const l of labels) {
      const fixed = this._sampleLabel(l);
      if (fixed === undefined || seen.has(fixed.key)) {
        changed = true;
        continue;
      }
      if (fixed !== l) changed = true;
      seen.add(fixed.key);
      out.push(fixed);
    }
    if (out.length > this._rules.maxSampleLabels) {
      changed = true;
      this._log.warn('sample-labels-per-sample', `otelprof: samples with more than ${this._rules.maxSampleLabels} labels were cut to that limit`);
      // Keep span and trace ids: they link traces to profiles.
      out.sort((a, b) => Number(!SPAN_LABELS.has(a.key)) - Number(!SPAN_LABELS.has(b.key)));
      out.length = this._rules.maxSampleLabels;
    }
    for (const l of out) if (l.str !== undefined && l.str !== '' && !SPAN_LABELS.has(l.key)) promoted.add(l.key);
    return changed ? out : labels;
  }

  private _sampleLabel(l: Label): Label | undefined {
    if (l.str === undefined) return l; // numeric: Pyroscope ignores it, pprof tools use it
    const format = SPAN_LABELS.get(l.key);
    if (format) {
      if (format.test(l.str)) return l;
      this._log.warn(`invalid-${l.key}`, `otelprof: sample label ${l.key}=${JSON.stringify(l.str.slice(0, 64))} dropped: not ${l.key === 'trace_id' ? 32 : 16} hex characters`);
      return undefined;
    }
    const key = this._userName(l.key);
    if (key === undefined) return undefined;
    const str = this.value(key, l.str);
    return key === l.key && str === l.str ? l : { ...l, key, str };
  }

  private _userName(raw: string): string | undefined {
    if (raw.startsWith('__')) {
      this._log.warn('label-name-reserved', `otelprof: label ${JSON.stringify(raw)} dropped: names starting with "__" are reserved by Pyroscope`);
      return undefined;
    }
    const name = this.name(raw);
    if (name !== undefined && name.startsWith('__')) return this._dropName(raw, 'label-name-reserved', 'is reserved after sanitising');
    return name;
  }

  private _dropName(raw: string, kind: string, why: string): undefined {
    this._log.warn(kind, `otelprof: label ${JSON.stringify(raw.slice(0, 64))} dropped: its name ${why}`);
    return undefined;
  }
}
