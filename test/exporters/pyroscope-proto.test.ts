/** The Push API schema in proto/ carries Pyroscope's published field numbers and names. */
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { push } from '../../proto/generated/pyroscope-push';
import { encodePushRequest } from '../../exporters/pyroscope/requests';

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

  it("the exporter's hand-written Push body decodes with the generated code into the same series", () => {
    const raw = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    const body = encodePushRequest([
      { labels: new Map([['service_name', 'svc'], ['__name__', 'process_cpu'], ['empty', ''], ['région', 'é😀']]), raw },
      { labels: new Map([['__name__', 'memory']]), raw: new Uint8Array(0) },
    ]);
    const decoded = push.v1.PushRequest.toObject(push.v1.PushRequest.decode(body), { defaults: true }) as {
      series: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ rawProfile: Uint8Array; ID: string }> }>;
    };
    expect(decoded.series.map((s) => s.labels)).toEqual([
      [{ name: '__name__', value: 'process_cpu' }, { name: 'empty', value: '' }, { name: 'région', value: 'é😀' }, { name: 'service_name', value: 'svc' }],
      [{ name: '__name__', value: 'memory' }],
    ]);
    expect(Buffer.from(decoded.series[0].samples[0].rawProfile)).toEqual(Buffer.from(raw));
    expect(decoded.series[1].samples[0].rawProfile.length).toBe(0);
    for (const s of decoded.series) expect(s.samples[0].ID).toMatch(/^[0-9a-f-]{36}$/);
    // Byte for byte what the generated encoder writes for the same message.
    const again = push.v1.PushRequest.encode(push.v1.PushRequest.decode(body)).finish();
    expect(Buffer.from(body)).toEqual(Buffer.from(again));
  });
});
