/**
 * Short names for the OTLP Profiles message shapes generated from `proto/otlp-profiles.proto`
 * (v1development, opentelemetry-proto v1.10.0 numbering). Plain objects of these shapes are what
 * the transform builds and the generated encoder writes.
 */
import type { opentelemetry } from '../../proto/generated/otlp-profiles-service';


/** `opentelemetry.proto.profiles.v1development` message properties. */
export type OtlpProfile = opentelemetry.proto.profiles.v1development.Profile.$Properties;
export type OtlpSample = opentelemetry.proto.profiles.v1development.Sample.$Properties;
export type OtlpDictionary = opentelemetry.proto.profiles.v1development.ProfilesDictionary.$Properties;
export type OtlpMapping = opentelemetry.proto.profiles.v1development.Mapping.$Properties;
export type OtlpLocation = opentelemetry.proto.profiles.v1development.Location.$Properties;
export type OtlpFunction = opentelemetry.proto.profiles.v1development.Function.$Properties;
export type OtlpLink = opentelemetry.proto.profiles.v1development.Link.$Properties;
export type OtlpStack = opentelemetry.proto.profiles.v1development.Stack.$Properties;
export type OtlpKeyValueAndUnit = opentelemetry.proto.profiles.v1development.KeyValueAndUnit.$Properties;
export type OtlpValueType = opentelemetry.proto.profiles.v1development.ValueType.$Properties;
/** `opentelemetry.proto.common.v1` message properties. */
export type OtlpAnyValue = opentelemetry.proto.common.v1.AnyValue.$Properties;
export type OtlpKeyValue = opentelemetry.proto.common.v1.KeyValue.$Properties;
/** The request body of `POST /v1development/profiles`. */
export type OtlpExportRequest = opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest.$Properties;
