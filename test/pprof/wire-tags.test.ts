import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import * as tags from '../../src/pprof/wire-tags';

/** `tagProfile_SampleType` -> message `Profile`, field `sample_type` (Go's constant names, mapped). */
const FIELD_NAMES: Record<string, string> = {
  Location: 'location_id', ID: 'id', MappingID: 'mapping_id', Start: 'memory_start', Limit: 'memory_limit',
  Offset: 'file_offset', BuildID: 'build_id', FunctionID: 'function_id', DocUrl: 'doc_url', Str: 'str',
};

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

describe('wire tags', () => {
  const root = new protobuf.Root().loadSync(join(__dirname, '../../proto/profile.proto'), { keepCase: true });
  const entries = Object.entries(tags).filter(([name]) => name.startsWith('tag'));

  it('covers every field of every message in proto/profile.proto', () => {
    const fieldCount = ['Profile', 'ValueType', 'Sample', 'Label', 'Mapping', 'Location', 'Line', 'Function']
      .map((m) => root.lookupType(`perftools.profiles.${m}`).fieldsArray.length)
      .reduce((a, b) => a + b, 0);
    expect(entries).toHaveLength(fieldCount);
  });

  it.each(entries)('%s matches the .proto field number', (name, value) => {
    const [, message, field] = /^tag([A-Za-z]+)_([A-Za-z]+)$/.exec(name) as RegExpExecArray;
    const type = root.lookupType(`perftools.profiles.${message}`);
    const candidates = [FIELD_NAMES[field], snake(field)].filter(Boolean) as string[];
    const protoField = type.fieldsArray.find((f) => candidates.includes(f.name));
    expect(protoField).toBeDefined();
    expect(protoField?.id).toBe(value);
  });
});
