/** yieldToEventLoop gives background steps one event-loop turn each, in call order. */
import { yieldToEventLoop } from '../../src/pprof';

test('callers get separate turns: work queued by the first runs before the second resumes', async () => {
  const order: string[] = [];
  const a = yieldToEventLoop().then(() => {
    order.push('a');
    setImmediate(() => order.push('app work'));
  });
  const b = yieldToEventLoop().then(() => order.push('b'));
  const c = yieldToEventLoop().then(() => order.push('c'));
  await Promise.all([a, b, c]);
  expect(order).toEqual(['a', 'app work', 'b', 'c']);
});

test('it really leaves the loop: a pending immediate runs before it resolves', async () => {
  let ran = false;
  setImmediate(() => { ran = true; });
  await yieldToEventLoop();
  expect(ran).toBe(true);
});
