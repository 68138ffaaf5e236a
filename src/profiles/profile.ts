/**
 * Go's `*pprof.Profile`: a named collection of stack traces. Built-ins delegate to a provider;
 * custom profiles (`newProfile`) hold values added with `add` and the stack that added each.
 */
import { InvalidArgumentError } from '../errors';
import { encodeGzip, ProfileBuilder, writeCountText, type Profile as PprofProfile, type StackFrame } from '../pprof';
import type * as CaptureStack from '../sampler/capture-stack';
import { withMappedStacks } from '../sampler/source-maps';
import { BuiltinProfileAddError, DuplicateValueError, UninitializedProfileError } from './errors';
import type { BuiltinProvider } from './provider';
import { checkWritable, writeChunk } from './write-stream';

// Loaded by the first `add`: most processes never make a custom profile.
let captureStack: typeof CaptureStack.captureStack | undefined;

/** Only the registry may make initialized profiles (Go's zero `Profile{}` is unusable). */
const INIT = Symbol('otelprof.profile.init');

type Source = { kind: 'builtin'; provider: BuiltinProvider } | { kind: 'custom'; values: Map<unknown, readonly StackFrame[]> };

export class Profile {
  readonly name: string;
  private readonly _source: Source | undefined;

  /** Use `newProfile(name)`; a `Profile` constructed directly is Go's zero value and unusable. */
  constructor(token?: unknown, name?: string, provider?: BuiltinProvider) {
    if (token !== INIT || name === undefined) {
      this.name = '';
      this._source = undefined;
      return;
    }
    this.name = name;
    this._source = provider ? { kind: 'builtin', provider } : { kind: 'custom', values: new Map() };
  }

  /** @internal */
  static create(name: string, provider?: BuiltinProvider): Profile {
    return new Profile(INIT, name, provider);
  }

  /** Whether this is one of the six built-in profiles. */
  get builtin(): boolean {
    return this._source?.kind === 'builtin';
  }

  /** Go's `Count()`: live values (custom), or the built-in's own count. */
  count(): number {
    const s = this._source;
    if (s === undefined) return 0;
    return s.kind === 'builtin' ? s.provider.count() : s.values.size;
  }

  /**
   * Go's `Add(value, skip)`: records `value` with the stack of the caller. `skip = 0` starts the
   * stack at the function calling `add`; each unit drops one more caller. The value is held until
   * `remove(value)`.
   */
  add(value: unknown, skip = 0): void {
    const s = this._source;
    if (s === undefined) throw new UninitializedProfileError('pprof: use of uninitialized Profile');
    if (s.kind === 'builtin') throw new BuiltinProfileAddError(this.name);
    if (!Number.isInteger(skip) || skip < 0) throw new InvalidArgumentError(`Profile.add: skip must be a non-negative integer (got ${String(skip)})`);
    if (s.values.has(value)) throw new DuplicateValueError();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    captureStack ??= (require('../sampler/capture-stack') as typeof CaptureStack).captureStack;
    s.values.set(value, captureStack(skip + 1));
  }

  /** Go's `Remove(value)`: forgets `value`; no-op when it is absent (and on built-ins). */
  remove(value: unknown): void {
    const s = this._source;
    if (s?.kind === 'custom') s.values.delete(value);
  }

  /** The profile now, in the pprof model. */
  async snapshot(): Promise<PprofProfile> {
    const s = this._source;
    if (s === undefined) throw new UninitializedProfileError('pprof: use of zero Profile');
    if (s.kind === 'builtin') return s.provider.snapshot();
    const mapped = await withMappedStacks([...s.values.values()].map((stack) => ({ stack })));
    return customSnapshot(this.name, mapped.map((r) => r.stack));
  }

  /**
   * Go's `WriteTo(w, debug)`: `debug = 0` writes gzip-compressed protobuf, `debug >= 1` Go's legacy
   * text (`debug = 2` on goroutine: a dump of every live async resource). Resolves when the
   * stream has accepted the bytes.
   */
  async writeTo(stream: NodeJS.WritableStream, debug = 0): Promise<void> {
    if (this._source === undefined) throw new UninitializedProfileError('pprof: use of zero Profile');
    checkWritable(stream, 'Profile.writeTo');
    if (!Number.isInteger(debug)) throw new InvalidArgumentError(`Profile.writeTo: debug must be an integer (got ${String(debug)})`);
    const s = this._source;
    if (debug <= 0) {
      await writeChunk(stream, await encodeGzip(await this.snapshot()));
    } else if (s.kind === 'builtin') {
      await writeChunk(stream, await s.provider.text(debug));
    } else {
      await writeChunk(stream, writeCountText(await this.snapshot(), this.name));
    }
  }
}

function frameKey(f: StackFrame): string {
  return `${f.functionName}\u0000${f.fileName}\u0000${f.line}\u0000${f.column}`;
}

/** A custom profile's samples, sorted by stack so that the output is deterministic (as Go's). */
function customSnapshot(name: string, stacks: Array<readonly StackFrame[]>): PprofProfile {
  const keyed = stacks.map((stack) => ({ key: stack.map(frameKey).join('\u0001'), stack }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const b = new ProfileBuilder({
    sampleTypes: [{ type: name, unit: 'count' }],
    periodType: { type: name, unit: 'count' },
    period: 1,
  });
  for (const { stack } of keyed) b.addSample(stack, [1]);
  return b.build();
}
