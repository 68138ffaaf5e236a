/**
 * The HTTP/1.1 wire format the transport needs, and no more: one request head written, one
 * response read (status, headers, a body by Content-Length, chunked or until close). The
 * transport speaks it over a plain `net`/`tls` socket instead of `node:http`'s client, because
 * the client shares its code with the host's HTTP server: the first upload through it made V8
 * re-optimize 60-100 of the app's own server functions (bench/RESULTS.md, tenth pass).
 */
import { isHeaderValue } from '../../src/config/parse';

/** RFC 9110 token: a header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A request target: origin form, printable and without spaces. */
const REQUEST_TARGET = /^\/[\x21-\x7e]*$/;

/** Headers the transport sets itself; a caller's own are ignored. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** Longest response head accepted (Node's own default limit is 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;

/**
 * The head of a POST with a body of `bodyLength` bytes.
 * @throws Error naming the header or path and the rule it breaks.
 */
export function requestHead(path: string, host: string, headers: Record<string, string>, bodyLength: number): string {
  if (!REQUEST_TARGET.test(path)) throw new Error(`request path ${JSON.stringify(path)} must start with "/" and hold only printable ASCII without spaces`);
  let head = `POST ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new Error(`header name ${JSON.stringify(name)} is not a valid HTTP token`);
    if (!isHeaderValue(value)) throw new Error(`header ${name} has a value with a control or non-Latin-1 character (CR, LF and NUL would split the request)`);
    if (OWN_HEADERS.has(name.toLowerCase())) continue;
    head += `${name}: ${value}\r\n`;
  }
  return `${head}Content-Length: ${bodyLength}\r\n\r\n`;
}

/** One parsed response. Header names are lower-case; repeated headers are joined with ", ". */
export interface Http1Response {
  status: number;
  headers: Record<string, string>;
  /** The body's first `cap` bytes as UTF-8 (the rest is read and discarded). */
  body: string;
  /** Whether the connection may carry the next request. */
  reusable: boolean;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'until-close' | 'done';

/**
 * Reads one response from the bytes of a connection, fed as they arrive. Informational (1xx)
 * responses before it are skipped. Throws on a malformed response.
 */
export class ResponseReader {
  private _state: State = 'head';
  private _buf: Buffer = Buffer.alloc(0);
  private _status = 0;
  private _headers: Record<string, string> = {};
  private _keepAlive = false;
  private _remaining = 0;
  private readonly _bodyParts: Buffer[] = [];
  private _bodyBytes = 0;
  /** Whether any byte arrived: a 1xx before the response counts (the server has the request). */
  private _fed = false;

  /** @param cap body bytes kept for the result */
  constructor(private readonly cap: number) {}

  /** Whether any byte of a response arrived (a reused connection that fails before may be stale). */
  get started(): boolean {
    return this._fed;
  }

  /** Feeds bytes; returns the response once it is complete. */
  feed(chunk: Buffer): Http1Response | undefined {
    this._fed ||= chunk.length > 0;
    this._buf = this._buf.length === 0 ? chunk : Buffer.concat([this._buf, chunk]);
    for (;;) {
      const progressed = this._step();
      // Bytes after the response (nothing was asked for) make the connection unusable, not the response.
      if (this._state === 'done') return this._result(this._keepAlive && this._buf.length === 0);
      if (!progressed) return undefined;
    }
  }

  /** The connection ended: completes a response delimited by the close, else throws. */
  end(): Http1Response {
    if (this._state === 'until-close') return this._result(false);
    throw new Error(this.started ? 'connection closed before the response ended' : 'connection closed before a response (socket hang up)');
  }

  private _result(reusable: boolean): Http1Response {
    this._state = 'done';
    return { status: this._status, headers: this._headers, body: Buffer.concat(this._bodyParts).toString('utf8'), reusable };
  }

  private _keep(bytes: Buffer): void {
    if (this._bodyBytes < this.cap) this._bodyParts.push(bytes.subarray(0, this.cap - this._bodyBytes));
    this._bodyBytes += bytes.length;
  }

  /** One parsing step; false when it needs more bytes. */
  private _step(): boolean {
    switch (this._state) {
      case 'head': return this._readHead();
      case 'length': return this._readBody('done');
      case 'chunk-size': {
        const line = this._line();
        if (line === undefined) return false;
        const size = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) throw new Error(`malformed chunk size line ${JSON.stringify(line.slice(0, 40))}`);
        this._remaining = parseInt(size[1], 16);
        this._state = this._remaining === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data': return this._readBody('chunk-data-end');
      case 'chunk-data-end': {
        const line = this._line();
        if (line === undefined) return false;
        if (line !== '') throw new Error('chunk data not followed by CRLF');
        this._state = 'chunk-size';
        return true;
      }
      case 'trailers': {
        const line = this._line();
        if (line === undefined) return false;
        if (line === '') this._state = 'done';
        return true;
      }
      case 'until-close':
        this._keep(this._buf);
        this._buf = Buffer.alloc(0);
        return false;
      default:
        return false;
    }
  }

  /** Takes up to `_remaining` body bytes; moves to `next` (and returns true) once they are all in. */
  private _readBody(next: State): boolean {
    const n = Math.min(this._remaining, this._buf.length);
    this._keep(this._buf.subarray(0, n));
    this._buf = this._buf.subarray(n);
    this._remaining -= n;
    if (this._remaining !== 0) return false;
    this._state = next;
    return true;
  }

  /** The next CRLF-terminated line (without it), or undefined until it is complete. */
  private _line(): string | undefined {
    const i = this._buf.indexOf('\r\n');
    if (i < 0) {
      if (this._buf.length > MAX_HEAD_BYTES) throw new Error(`response line longer than ${MAX_HEAD_BYTES} bytes`);
      return undefined;
    }
    const line = this._buf.toString('latin1', 0, i);
    this._buf = this._buf.subarray(i + 2);
    return line;
  }

  private _readHead(): boolean {
    const end = this._buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this._buf.length > MAX_HEAD_BYTES) throw new Error(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    const lines = this._buf.toString('latin1', 0, end).split('\r\n');
    this._buf = this._buf.subarray(end + 4);
    const statusLine = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: .*)?$/.exec(lines[0]);
    if (!statusLine) throw new Error(`malformed status line ${JSON.stringify(lines[0].slice(0, 40))}`);
    const status = Number(statusLine[2]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 40))}`);
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    // 1xx (100 Continue, 103 Early Hints) precede the real response; 101 would switch protocols.
    if (status < 200) {
      if (status === 101) throw new Error('server switched protocols (HTTP 101)');
      return true;
    }
    this._status = status;
    this._headers = headers;
    const connection = (headers.connection ?? '').toLowerCase().split(/\s*,\s*/);
    this._keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    const te = headers['transfer-encoding'];
    if (status === 204 || status === 304) {
      this._state = 'done';
    } else if (te !== undefined) {
      // RFC 9112 6.3: chunked when it is the final coding; otherwise the body runs until close.
      if (/(?:^|,)\s*chunked\s*$/i.test(te)) this._state = 'chunk-size';
      else this._state = 'until-close';
    } else if (headers['content-length'] !== undefined) {
      const cl = headers['content-length'];
      // Repeated identical values (joined above) are allowed; different ones are not.
      const values = new Set(cl.split(/\s*,\s*/));
      const [only] = values;
      if (values.size !== 1 || !/^\d{1,15}$/.test(only)) throw new Error(`invalid Content-Length ${JSON.stringify(cl.slice(0, 40))}`);
      this._remaining = Number(only);
      this._state = this._remaining === 0 ? 'done' : 'length';
    } else {
      this._state = 'until-close';
    }
    if (this._state === 'until-close') this._keepAlive = false;
    return true;
  }
}
