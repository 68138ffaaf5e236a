import type { ServerResponse } from 'node:http';

/**
 * Answers with an error the way Go's net/http/pprof does: plain text, `X-Go-Pprof: 1` (so
 * `go tool pprof` prints the body instead of a bare status), no `Content-Disposition`.
 */
export function serveError(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    // Streaming already began: the only honest signal left is to cut the response short.
    res.destroy();
    return;
  }
  res.removeHeader('Content-Disposition');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Go-Pprof', '1');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(text + '\n');
}
