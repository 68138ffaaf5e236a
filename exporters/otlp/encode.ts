/** Serialises an OTLP Profiles request with the code generated from `proto/otlp-profiles-service.proto`. */
import { opentelemetry } from '../../proto/generated/otlp-profiles-service';
import type { OtlpExportRequest } from './types';

const ExportRequest = opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;

/** Protobuf bytes of `request` (`application/x-protobuf`). */
export function encodeRequest(request: OtlpExportRequest): Uint8Array {
  return ExportRequest.encode(request).finish();
}

