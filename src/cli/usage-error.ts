/** CLI errors: bad input (exit 2, with a pointer to --help) and failures (exit 1). */
import { constants } from 'node:os';

/** The command line itself is wrong: unknown command or flag, missing or bad argument. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The command ran but could not do its job (file missing, not a profile, HTTP error...). Exit code 1. */
export class CommandError extends Error {
  readonly exitCode = 1;
}

/** A signal stopped the command after it cleaned up. Exit code 128 + the signal's number, as a shell reports it. */
export class InterruptedError extends Error {
  readonly exitCode: number;

  constructor(message: string, signal: NodeJS.Signals) {
    super(message);
    this.exitCode = 128 + (constants.signals[signal] ?? 0);
  }
}
