/**
 * The profile registry: Go's `Profiles()`, `Lookup(name)`, `NewProfile(name)`. The six built-ins
 * are registered on first use, as Go seeds them lazily.
 */
import { InvalidArgumentError } from '../errors';
import { builtinProviders } from './builtin-providers';
import { DuplicateProfileError, EmptyProfileNameError } from './errors';
import { Profile } from './profile';

const registry = new Map<string, Profile>();
let seeded = false;

function seed(): void {
  if (seeded) return;
  seeded = true;
  for (const provider of builtinProviders()) registry.set(provider.name, Profile.create(provider.name, provider));
}

/** Every registered profile, sorted by name (Go's `Profiles()`). */
export function profiles(): Profile[] {
  seed();
  return [...registry.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The profile called `name`, or `undefined` (Go's `Lookup`). */
export function lookup(name: string): Profile | undefined {
  seed();
  return registry.get(name);
}

/**
 * Registers a custom profile (Go's `NewProfile`). Use an `import/path.`-style prefix; names with
 * spaces cannot be read back from the legacy text format.
 *
 * @throws EmptyProfileNameError for `''`; DuplicateProfileError when the name is taken (built-ins too).
 */
export function newProfile(name: string): Profile {
  if (typeof name !== 'string') throw new InvalidArgumentError(`newProfile: name must be a string (got ${typeof name})`);
  seed();
  if (name === '') throw new EmptyProfileNameError();
  if (registry.has(name)) throw new DuplicateProfileError(name);
  const p = Profile.create(name);
  registry.set(name, p);
  return p;
}
