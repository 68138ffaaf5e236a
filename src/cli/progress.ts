/**
 * Progress for anything that may take more than a second. Silent for the first second; then on a
 * terminal one line rewritten in place, elsewhere (CI, pipes) a line every few seconds.
 */

/** A progress reporter on one stream (default stderr). */
export class Progress {
  private readonly _stream: NodeJS.WriteStream;
  private readonly _tty: boolean;
  private readonly _started = Date.now();
  private _text = '';
  private _timer: NodeJS.Timeout | undefined;
  private _shown = false;
  private _lastLine = 0;

  /** Starts reporting `text` (updated with {@link update}); nothing shows before one second passed. */
  constructor(text: string, stream: NodeJS.WriteStream = process.stderr) {
    this._stream = stream;
    this._tty = stream.isTTY === true;
    this._text = text;
    // First shown at one second (forced: a timer may fire a hair before Date.now() agrees), then
    // refreshed on a terminal every 250 ms, elsewhere every 3 s.
    this._timer = setTimeout(() => {
      this._render(true);
      this._timer = setInterval(() => this._render(false), this._tty ? 250 : 1000);
      this._timer.unref();
    }, 1000);
    this._timer.unref();
  }

  /** Seconds since start, one decimal. */
  elapsedSeconds(): number {
    return Math.round((Date.now() - this._started) / 100) / 10;
  }

  /** Replaces the text shown. */
  update(text: string): void {
    this._text = text;
  }

  /** Stops; on a terminal clears the line. */
  done(): void {
    if (this._timer) clearTimeout(this._timer);
    this._timer = undefined;
    if (this._tty && this._shown) this._stream.write('\r\x1b[K');
  }

  private _render(force: boolean): void {
    const elapsed = Date.now() - this._started;
    if (!force && elapsed < 1000) return;
    const line = `${this._text} (${Math.max(1, Math.floor(elapsed / 1000))}s)`;
    if (this._tty) {
      this._stream.write(`\r\x1b[K${line}`);
    } else {
      if (elapsed - this._lastLine < 3000 && this._shown) return;
      this._lastLine = elapsed;
      this._stream.write(`${line}\n`);
    }
    this._shown = true;
  }
}

/** Runs `work` with a progress line `text` shown while it takes more than a second. */
export async function withProgress<T>(text: string, work: Promise<T>, stream?: NodeJS.WriteStream): Promise<T> {
  const p = new Progress(text, stream);
  try {
    return await work;
  } finally {
    p.done();
  }
}
