/** The Push API schema in proto/ carries Pyroscope's published field numbers and names. */
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { push } from '../../proto/generated/pyroscope-push';

describe('proto/pyroscope-push.proto', () => {
  const root = protobuf.loadSync(join(__dirname, '..', '..', 'proto', 'pyroscope-push.proto'));
  it.each([
    ['push.v1.PushRequest', { series: 1 }],
    ['push.v1.RawProfileSeries', { labels: 1, samples: 2, annotations: 3 }],
    ['push.v1.RawSample', { raw_profile: 1, ID: 2 }],
    ['types.v1.LabelPair', { name: 1, value: 2 }],
    ['types.v1.ProfileAnnotation', { key: 1, value: 2 }],
  ])('%s field numbers', (name, fields) => {
    const t = root.lookupType(name);
    const got = Object.fromEntries(Object.values(t.fields).map((f) => [f.name, f.id]));
    // protobufjs camel-cases names when loading; compare on the wire numbers and lower-cased names.
    const norm = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_/g, '').toLowerCase(), v]));
    expect(norm(got)).toEqual(norm(fields));
  });

  it('the service is push.v1.PusherService/Push, which the exporter posts to', () => {
    const svc = root.lookupService('push.v1.PusherService');
    expect(Object.keys(svc.methods)).toEqual(['Push']);
    expect(svc.methods.Push.requestType).toBe('PushRequest');
  });

  it('generated code and run-time schema agree on the bytes', () => {
    const msg = { series: [{ labels: [{ name: '__name__', value: 'wall' }], samples: [{ rawProfile: new Uint8Array([1, 2, 3]), ID: 'u' }] }] };
    const generated = push.v1.PushRequest.encode(msg).finish();
    const runtime = root.lookupType('push.v1.PushRequest');
    expect(Buffer.from(runtime.encode(runtime.fromObject(msg)).finish())).toEqual(Buffer.from(generated));
  });
});
