/**
 * The schema in proto/ against the published OTLP Profiles field numbers (opentelemetry-proto
 * v1.10.0 / v1.11.0, as listed in shared/reference/otel-profiling.md §1.2 and
 * pyroscope-ingest.md §6). The exporter tests decode with this same schema, so this table is
 * what ties our bytes to what real receivers expect; it also catches a fallback to the v1.9
 * Sample numbering (values 2, attribute_indices 3, link_index 4).
 */
import path from 'node:path';
import protobuf from 'protobufjs';

const PUBLISHED: Record<string, Record<string, [number, string, boolean?]>> = {
  'collector.profiles.v1development.ExportProfilesServiceRequest': {
    resource_profiles: [1, 'opentelemetry.proto.profiles.v1development.ResourceProfiles', true],
    dictionary: [2, 'opentelemetry.proto.profiles.v1development.ProfilesDictionary'],
  },
  'profiles.v1development.ProfilesDictionary': {
    mapping_table: [1, 'Mapping', true], location_table: [2, 'Location', true], function_table: [3, 'Function', true], link_table: [4, 'Link', true],
    string_table: [5, 'string', true], attribute_table: [6, 'KeyValueAndUnit', true], stack_table: [7, 'Stack', true],
  },
  'profiles.v1development.ResourceProfiles': { resource: [1, 'opentelemetry.proto.resource.v1.Resource'], scope_profiles: [2, 'ScopeProfiles', true], schema_url: [3, 'string'] },
  'profiles.v1development.ScopeProfiles': { scope: [1, 'opentelemetry.proto.common.v1.InstrumentationScope'], profiles: [2, 'Profile', true], schema_url: [3, 'string'] },
  'profiles.v1development.Profile': {
    sample_type: [1, 'ValueType'], samples: [2, 'Sample', true], time_unix_nano: [3, 'fixed64'], duration_nano: [4, 'uint64'], period_type: [5, 'ValueType'],
    period: [6, 'int64'], profile_id: [7, 'bytes'], dropped_attributes_count: [8, 'uint32'], original_payload_format: [9, 'string'],
    original_payload: [10, 'bytes'], attribute_indices: [11, 'int32', true],
  },
  'profiles.v1development.Sample': {
    stack_index: [1, 'int32'], attribute_indices: [2, 'int32', true], link_index: [3, 'int32'], values: [4, 'int64', true], timestamps_unix_nano: [5, 'fixed64', true],
  },
  'profiles.v1development.Link': { trace_id: [1, 'bytes'], span_id: [2, 'bytes'] },
  'profiles.v1development.ValueType': { type_strindex: [1, 'int32'], unit_strindex: [2, 'int32'] },
  'profiles.v1development.Mapping': { memory_start: [1, 'uint64'], memory_limit: [2, 'uint64'], file_offset: [3, 'uint64'], filename_strindex: [4, 'int32'], attribute_indices: [5, 'int32', true] },
  'profiles.v1development.Stack': { location_indices: [1, 'int32', true] },
  'profiles.v1development.Location': { mapping_index: [1, 'int32'], address: [2, 'uint64'], lines: [3, 'Line', true], attribute_indices: [4, 'int32', true] },
  'profiles.v1development.Line': { function_index: [1, 'int32'], line: [2, 'int64'], column: [3, 'int64'] },
  'profiles.v1development.Function': { name_strindex: [1, 'int32'], system_name_strindex: [2, 'int32'], filename_strindex: [3, 'int32'], start_line: [4, 'int64'] },
  'profiles.v1development.KeyValueAndUnit': { key_strindex: [1, 'int32'], value: [2, 'opentelemetry.proto.common.v1.AnyValue'], unit_strindex: [3, 'int32'] },
  'common.v1.KeyValue': { key: [1, 'string'], value: [2, 'AnyValue'] },
  'common.v1.AnyValue': { string_value: [1, 'string'], bool_value: [2, 'bool'], int_value: [3, 'int64'], double_value: [4, 'double'], array_value: [5, 'ArrayValue'], bytes_value: [7, 'bytes'] },
  'common.v1.InstrumentationScope': { name: [1, 'string'], version: [2, 'string'], attributes: [3, 'KeyValue', true] },
  'resource.v1.Resource': { attributes: [1, 'opentelemetry.proto.common.v1.KeyValue', true], dropped_attributes_count: [2, 'uint32'] },
};

/** Fields declared in proto/ but not listed above (profiles-only strindex variants of common types). */
const EXTRA_FIELDS: Record<string, number> = { 'common.v1.KeyValue': 1, 'common.v1.AnyValue': 2, 'common.v1.InstrumentationScope': 1 };

let root: protobuf.Root;
beforeAll(async () => {
  root = await protobuf.load(path.join(__dirname, '..', '..', 'proto', 'otlp-profiles-service.proto'));
});

// One test per message (a plain loop: jest's test.each hung on this table in our setup).
for (const [msg, fields] of Object.entries(PUBLISHED)) {
  test(`${msg} field numbers and types`, () => {
    const t = root.lookupType(`opentelemetry.proto.${msg}`);
    for (const [field, [id, type, repeated]] of Object.entries(fields)) {
      // protobufjs camelCases field names when loading.
      const f = t.fields[field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
      expect([field, f?.id, f?.type, f?.repeated]).toEqual([field, id, type, repeated === true]);
    }
    expect(Object.keys(t.fields)).toHaveLength(Object.keys(fields).length + (EXTRA_FIELDS[msg] ?? 0));
  });
}

test('repeated scalars are packed (proto3 default), as receivers expect', () => {
  const Sample = root.lookupType('opentelemetry.proto.profiles.v1development.Sample');
  const bytes = Sample.encode({ stackIndex: 1, values: [7, 8] }).finish();
  // field 1 varint 1; field 4 length-delimited (packed) [7, 8].
  expect([...bytes]).toEqual([0x08, 0x01, 0x22, 0x02, 0x07, 0x08]);
});

test('loading the other generated OTLP modules does not break the encoder (one protobufjs root per file)', async () => {
  const { encodeRequest } = await import('../../exporters/otlp');
  await import('../../proto/generated/otlp-common');
  await import('../../proto/generated/otlp-profiles');
  const bytes = encodeRequest({ resourceProfiles: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] } }] });
  const decoded = root.lookupType('opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest').decode(bytes).toJSON();
  expect(decoded.resourceProfiles[0].resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'svc' } }]);
});
