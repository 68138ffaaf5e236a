import { context, createContextKey, diag, DiagLogLevel, ROOT_CONTEXT, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { activeContext, componentLogger, currentContextManager, otelApi, otelGlobalRegistered } from '../src/otel-api';
import { LABELS_CONTEXT_KEY } from '../src/labels';

const LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;

/** A diag logger that records every call as `level: args`. */
function recordingLogger(lines: string[]): DiagLogger {
  const at = (level: string) => (...args: unknown[]): void => void lines.push(`${level}: ${args.map(String).join(' | ')}`);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') };
}

describe('otel-api: @opentelemetry/api loaded when needed', () => {
  it('otelApi() is the installed API module', () => {
    expect(otelApi().context).toBe(context);
    expect(otelApi().diag).toBe(diag);
  });

  it('componentLogger writes what diag.createComponentLogger writes, at every level', () => {
    const ours: string[] = [];
    const api: string[] = [];
    const mine = componentLogger('otelprof/test');
    const theirs = diag.createComponentLogger({ namespace: 'otelprof/test' });
    try {
      diag.setLogger(recordingLogger(ours), DiagLogLevel.ALL);
      for (const level of LEVELS) mine[level](`a ${level} line`, 42);
      diag.disable();
      diag.setLogger(recordingLogger(api), DiagLogLevel.ALL);
      for (const level of LEVELS) theirs[level](`a ${level} line`, 42);
    } finally {
      diag.disable();
    }
    // (The API logs its own registration at debug level too.)
    const mineOnly = (lines: string[]): string[] => lines.filter((l) => l.includes('otelprof/test'));
    expect(mineOnly(ours)).toHaveLength(5);
    expect(mineOnly(ours)).toEqual(mineOnly(api));
    expect(mineOnly(ours)[0]).toBe('error: otelprof/test | a error line | 42');
  });

  it('componentLogger follows the registered logger and its level, and drops lines when none is registered', () => {
    const lines: string[] = [];
    const log = componentLogger('otelprof/test');
    log.warn('before any logger');
    diag.setLogger(recordingLogger(lines), DiagLogLevel.WARN);
    try {
      log.warn('kept');
      log.debug('below the level');
    } finally {
      diag.disable();
    }
    log.error('after disable');
    expect(lines).toEqual(['warn: otelprof/test | kept']);
  });

  it('sees a global context manager registered through the API, and its removal', () => {
    expect(otelGlobalRegistered('context')).toBe(false);
    const cm = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(cm);
    try {
      expect(otelGlobalRegistered('context')).toBe(true);
    } finally {
      context.disable();
    }
    expect(otelGlobalRegistered('context')).toBe(false);
  });

  it('currentContextManager() and activeContext() answer as the API does, through every registration change', () => {
    const key = createContextKey('otelprof.test.active');
    const seen: Array<[boolean, boolean]> = [];
    /** Whether our answers equal the API's right now. */
    const check = (): void => {
      const api = (context as unknown as { _getContextManager(): unknown })._getContextManager();
      seen.push([currentContextManager() === api, activeContext() === context.active()]);
    };
    check();
    const a = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(a);
    try {
      check();
      context.with(ROOT_CONTEXT.setValue(key, 'a'), () => {
        check();
        expect(activeContext().getValue(key)).toBe('a');
      });
    } finally {
      context.disable();
    }
    check();
    const b = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(b);
    try {
      check();
      expect(currentContextManager()).toBe(b);
      context.with(ROOT_CONTEXT.setValue(key, 'b'), () => expect(activeContext().getValue(key)).toBe('b'));
    } finally {
      context.disable();
    }
    check();
    expect(activeContext()).toBe(ROOT_CONTEXT);
    expect(seen).toEqual(Array.from({ length: 6 }, () => [true, true]));
  });

  it('the context keys written out as Symbol.for are the ones createContextKey returns', () => {
    expect(LABELS_CONTEXT_KEY).toBe(createContextKey('otelprof.labels'));
  });
});
