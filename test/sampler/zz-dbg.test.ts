import { startCPUProfile, stopCPUProfile } from '../../src';
import { openCpuWindow } from '../../src/sampler';
import { decodeIndependent, namedBurner, sink } from './helpers';
const spin = namedBurner('spinApi');
test('dbg', async () => {
  const w = openCpuWindow();
  const out = sink();
  startCPUProfile(out.stream);
  spin(250);
  await stopCPUProfile();
  const d = decodeIndependent(out.bytes());
  console.log(out.bytes().length, d.samples.length, JSON.stringify(d.samples.slice(0,5).map(s=>[s.values,s.functions.slice(0,3)])));
  const raw = w.close();
  console.log(raw.samples.length, raw.samples.slice(0,3).map(s=>s.stack.map(f=>f.functionName).slice(0,3)));
});
