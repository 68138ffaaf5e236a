/**
 * A small flag parser for the CLI: `--name value`, `--name=value`, boolean `--flag`, `-h`, and
 * `--` ending the options. Unknown flags and bad values are {@link UsageError}s naming the flag.
 */
import { UsageError } from './usage-error';

/** What a command accepts: flag name -> 'string' | 'int' | 'boolean'. */
export type FlagSpec = Record<string, 'string' | 'int' | 'boolean'>;

/** Parsed command line: flags by name, positional arguments, and what followed `--`. */
export interface ParsedArgs {
  flags: Record<string, string | number | boolean>;
  positional: string[];
  rest: string[];
}

/** Parses `argv` against `spec`; `--help`/`-h` set `flags.help`. Throws UsageError. */
export function parseArgs(command: string, argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { flags: {}, positional: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (a === '-h' || a === '--help') {
      out.flags.help = true;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = a.startsWith('--') ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`otelprof ${command}: unknown option ${a.split('=')[0]}`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`otelprof ${command}: --${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`otelprof ${command}: --${name} needs a value`);
    if (kind === 'int') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new UsageError(`otelprof ${command}: --${name} must be a non-negative integer (actual: ${JSON.stringify(value)})`);
      }
      out.flags[name] = Number(value);
    } else {
      out.flags[name] = value;
    }
  }
  return out;
}
