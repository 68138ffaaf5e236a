import type { IncomingMessage, ServerResponse } from 'node:http';
import { syntheticAddresses } from '../pprof';

const MAX_BODY_BYTES = 1 << 20;

/**
 * `/debug/pprof/symbol`: maps the synthetic addresses of our legacy text profiles back to function
 * names, so `go tool pprof -symbolize=remote` shows names for `debug=1` output. Addresses come
 * `+`-separated in the query (GET) or the body (POST), as Go's handler reads them.
 */
export async function serveSymbol(req: IncomingMessage, res: ServerResponse, rawQuery: string): Promise<void> {
  let input = rawQuery;
  let readError: string | undefined;
  if (req.method === 'POST') {
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      input = body.text;
      if (body.truncated) readError = `body exceeds ${MAX_BODY_BYTES} bytes; the addresses after it were not read`;
    } catch (err) {
      readError = (err as Error).message;
    }
  }
  // pprof only checks that num_symbols is non-zero: it means "symbols are available".
  const lines = ['num_symbols: 1'];
  for (const word of input.split('+')) {
    const pc = parseAddress(word.trim());
    if (pc === undefined || pc === 0n) continue;
    const name = syntheticAddresses.resolve(Number(pc));
    if (name !== undefined) lines.push(`0x${pc.toString(16)} ${name}`);
  }
  if (readError !== undefined) lines.push(`reading request: ${readError}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(lines.join('\n') + '\n');
}

/** Go's `strconv.ParseUint(word, 0, 64)`: decimal, 0x hex, 0o/leading-0 octal, 0b binary. */
function parseAddress(word: string): bigint | undefined {
  if (!/^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9]\d*|0)$/.test(word)) return undefined;
  try {
    const normalised = /^0[0-7]+$/.test(word) ? '0o' + word.slice(1) : word;
    return BigInt(normalised);
  } catch {
    return undefined;
  }
}

/**
 * The body's first `limit` bytes, cut after the last whole address. The rest is read and dropped
 * (memory stays bounded), so the client still gets an answer, which says the body was cut.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    req.on('data', (chunk: Buffer) => {
      if (truncated) return;
      if (size + chunk.length > limit) {
        truncated = true;
        chunks.push(chunk.subarray(0, limit - size));
        return;
      }
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text: truncated ? text.slice(0, Math.max(0, text.lastIndexOf('+'))) : text, truncated });
    });
    req.on('error', reject);
  });
}
