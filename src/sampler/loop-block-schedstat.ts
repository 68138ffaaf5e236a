/**
 * How long this thread waited for a CPU (Linux `/proc/thread-self/schedstat`, second field:
 * nanoseconds spent runnable on a run queue but not running). A callback that was descheduled by
 * an overloaded host (or a CPU-throttled container) makes the loop late without holding it; the
 * block profile subtracts that wait from a stall. One `pread` of a tiny procfs file per probe
 * tick; unavailable (always 0) off Linux or when the file cannot be read.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Reads the run-queue wait of the current thread; `read()` returns microseconds, 0 when unknown. */
export class RunQueueWait {
  private _fd: number | undefined;
  private readonly _buf = Buffer.alloc(96);

  /** Opens the file; returns false (and stays inert) when the platform has none. */
  open(): boolean {
    this.close();
    if (process.platform !== 'linux') return false;
    try {
      this._fd = openSync('/proc/thread-self/schedstat', 'r');
      if (Number.isNaN(this.read())) throw new Error('unexpected schedstat format');
      return true;
    } catch {
      this.close();
      return false;
    }
  }

  /** Total run-queue wait so far, microseconds (0 when not available, NaN if unparsable). */
  read(): number {
    if (this._fd === undefined) return 0;
    try {
      const n = readSync(this._fd, this._buf, 0, this._buf.length, 0);
      const text = this._buf.toString('latin1', 0, n);
      const first = text.indexOf(' ');
      const second = text.indexOf(' ', first + 1);
      return Number(text.slice(first + 1, second < 0 ? undefined : second)) / 1000;
    } catch {
      return 0;
    }
  }

  close(): void {
    if (this._fd !== undefined) {
      try {
        closeSync(this._fd);
      } catch {
        // Nothing to do: the descriptor is gone either way.
      }
    }
    this._fd = undefined;
  }
}
