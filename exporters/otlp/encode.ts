/** Serialises an OTLP Profiles request with the code generated from `proto/otlp-profiles-service.proto`. */
import { gzip as gzipCallback } from 'node:zlib';
import { promisify } from 'node:util';
import { opentelemetry } from '../../proto/generated/otlp-profiles-service';
import type { OtlpExportRequest } from './types';

const ExportRequest = opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
// node:zlib's async API runs on the libuv threadpool, so the event loop never pays for gzip.
const gzipAsync = promisify(gzipCallback);

/** Protobuf bytes of `request` (`application/x-protobuf`). */
export function encodeRequest(request: OtlpExportRequest): Uint8Array {
  return ExportRequest.encode(request).finish();
}

/** Gzips `bytes` off the event loop (for `Content-Encoding: gzip`). */
export async function gzipBody(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await gzipAsync(bytes));
}
