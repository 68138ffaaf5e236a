import { context, createContextKey, diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { componentLogger, otelApi, otelGlobalRegistered } from '../src/otel-api';
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

  it('the context keys written out as Symbol.for are the ones createContextKey returns', () => {
    expect(LABELS_CONTEXT_KEY).toBe(createContextKey('otelprof.labels'));
  });
});
