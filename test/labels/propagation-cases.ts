/**
 * Label-propagation cases shared by the test with a registered OTel context manager and the one
 * without (otelprof's own AsyncLocalStorage fallback). Each case returns what it observed; the
 * test compares it with `expected`.
 */
import { EventEmitter, once } from 'node:events';
import { AsyncResource } from 'node:async_hooks';
import { createReadStream } from 'node:fs';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { currentLabels, label, labels, runWithLabels, setContextLabels, withLabels } from '../../src/labels';

/** The labels of the running code as a plain object ({} when none). */
export function now(): Record<string, string> {
  return currentLabels()?.toObject() ?? {};
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface PropagationCase {
  name: string;
  run: () => Promise<unknown>;
  expected: unknown;
}

const L = labels('req', 'r1', 'user', 'u1');
const LO = { req: 'r1', user: 'u1' };

export const propagationCases: PropagationCase[] = [
  { name: 'synchronous code inside runWithLabels', run: async () => runWithLabels(L, () => now()), expected: LO },
  {
    name: 'after await (microtask and macrotask)',
    run: () => runWithLabels(L, async () => {
      await Promise.resolve();
      const a = now();
      await tick();
      return [a, now()];
    }),
    expected: [LO, LO],
  },
  {
    name: 'a setTimeout callback',
    run: () => runWithLabels(L, () => new Promise((resolve) => setTimeout(() => resolve(now()), 1))),
    expected: LO,
  },
  {
    name: 'a setImmediate callback',
    run: () => runWithLabels(L, () => new Promise((resolve) => setImmediate(() => resolve(now())))),
    expected: LO,
  },
  {
    name: 'a process.nextTick callback',
    run: () => runWithLabels(L, () => new Promise((resolve) => process.nextTick(() => resolve(now())))),
    expected: LO,
  },
  {
    name: 'a promise chain',
    run: () => runWithLabels(L, () => Promise.resolve(1).then(() => tick()).then(() => now())),
    expected: LO,
  },
  {
    name: 'an event emitter emitting from labelled async code',
    run: () => runWithLabels(L, () => {
      const em = new EventEmitter();
      const got = once(em, 'x').then(() => now());
      setImmediate(() => em.emit('x'));
      return got;
    }),
    expected: LO,
  },
  {
    name: 'an I/O event emitter (fs stream) created in labelled code',
    run: () => runWithLabels(L, () => new Promise((resolve, reject) => {
      const seen: Array<Record<string, string>> = [];
      createReadStream(__filename).on('data', () => seen.push(now())).on('error', reject)
        .on('close', () => resolve([seen.length > 0, seen.every((s) => s.req === 'r1')]));
    })),
    expected: [true, true],
  },
  {
    name: 'an event listener bound with AsyncResource.bind, emitted from unlabelled code',
    run: async () => {
      const em = new EventEmitter();
      let seen: unknown;
      runWithLabels(L, () => em.on('x', AsyncResource.bind(() => { seen = now(); })));
      await tick();
      em.emit('x');
      return seen;
    },
    expected: LO,
  },
  {
    name: 'the caller once runWithLabels has returned (labels restored)',
    run: async () => {
      const before = now();
      runWithLabels(L, () => undefined);
      await runWithLabels(L, async () => tick());
      return [before, now()];
    },
    expected: [{}, {}],
  },
  {
    name: 'nested runWithLabels: later labels override, outer ones come back',
    run: () => runWithLabels(labels('a', '1', 'b', '1'), async () => {
      const inner = await runWithLabels(labels('b', '2', 'c', '2'), async () => {
        await tick();
        return now();
      });
      return [inner, now()];
    }),
    expected: [{ a: '1', b: '2', c: '2' }, { a: '1', b: '1' }],
  },
  {
    name: 'concurrent flows do not see each other\'s labels',
    run: () => Promise.all(['1', '2', '3'].map((id) => runWithLabels(labels('id', id), async () => {
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        await tick();
        seen.push(now().id);
      }
      return seen;
    }))),
    expected: [['1', '1', '1'], ['2', '2', '2'], ['3', '3', '3']],
  },
  {
    name: 'fn receives the labelled context (Go\'s Do passes ctx to f)',
    run: async () => runWithLabels(L, (ctx) => [label(ctx, 'req'), label(ctx, 'user')]),
    expected: ['r1', 'u1'],
  },
  {
    name: 'runWithLabels returns fn\'s result and its rejection',
    run: async () => {
      const sync = runWithLabels(L, () => 42);
      const value = await runWithLabels(L, async () => 'ok');
      const err = await runWithLabels(L, async () => { throw new Error('boom'); }).catch((e: Error) => e.message);
      return [sync, value, err];
    },
    expected: [42, 'ok', 'boom'],
  },
  {
    name: 'setContextLabels sets the labels of the current async context and what it starts',
    run: async () => {
      const inner = await new Promise((resolve) => setImmediate(() => {
        setContextLabels(withLabels(ROOT_CONTEXT, labels('job', 'j1')));
        const sync = now();
        setTimeout(() => resolve([sync, now()]), 1);
      }));
      return [inner, now()];
    },
    expected: [[{ job: 'j1' }, { job: 'j1' }], {}],
  },
  {
    name: 'setContextLabels inside runWithLabels replaces its labels until fn returns (Go\'s Do restores)',
    run: async () => {
      const inside = await runWithLabels(labels('a', '1'), async () => {
        setContextLabels(withLabels(ROOT_CONTEXT, labels('b', '2')));
        await tick();
        return now();
      });
      const cleared = runWithLabels(labels('a', '1'), () => {
        setContextLabels(ROOT_CONTEXT);
        return now();
      });
      return [inside, cleared, now()];
    },
    expected: [{ b: '2' }, {}, {}],
  },
  {
    name: 'currentLabels returns the same object while the context is unchanged',
    run: () => runWithLabels(L, async () => {
      const first = currentLabels();
      await tick();
      return first !== undefined && first === currentLabels();
    }),
    expected: true,
  },
];
