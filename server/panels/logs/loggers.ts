import { format } from 'node:util';
import { asLoggerWrite, recordLog, withoutColours } from './entries.js';
import type { LogLevel } from './types.js';

/*
 * The loggers the Logs panel records besides `console`, one patch each, applied once per copy of
 * the module the app passed in `instrument`: `{ pino }`, `{ winston }`, `{ debug }`.
 */

const patched = new WeakSet<object>();

function fail(key: string, expected: string, value: unknown): never {
  throw new TypeError(`express-debug-toolbar: \`instrument.${key}\` must be ${expected}, got ${value === null ? 'null' : typeof value}`);
}

const PINO_LEVELS: Record<string, LogLevel> = { trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal' };

interface PinoModule {
  (options?: object, stream?: object): object;
  symbols: { writeSym: symbol; asJsonSym: symbol; lsCacheSym: symbol; messageKeySym: symbol };
}

interface PinoLogger {
  levels?: { labels?: Record<number, string> };
  [key: symbol]: unknown;
}

/** The keys of a JSON fragment pino writes (`{"level":30`, `,"time":1700000000000`), or none. */
function fragmentKeys(fragment: unknown): string[] {
  if (typeof fragment !== 'string' || fragment.length < 2) return [];
  try {
    return Object.keys(JSON.parse(`{${fragment.replace(/^[{,]/, '')}}`) as object);
  } catch {
    return [];
  }
}

/**
 * A line as pino wrote it (its serializers, `redact` paths, formatters and the child's bindings
 * applied): the message, and the fields without what pino adds to every line (level, time, pid,
 * hostname).
 */
function pinoLine(logger: PinoLogger, symbols: PinoModule['symbols'], line: string, num: number, time: unknown): { message: string; fields?: object } | null {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const messageKey = typeof logger[symbols.messageKeySym] === 'string' ? logger[symbols.messageKeySym] as string : 'msg';
  const message = parsed[messageKey];
  const own = [messageKey, 'pid', 'hostname', ...fragmentKeys((logger[symbols.lsCacheSym] as Record<number, string> | undefined)?.[num]), ...fragmentKeys(time)];
  for (const key of own) delete parsed[key];
  return { message: typeof message === 'string' ? message : message === undefined ? '' : String(message), fields: parsed };
}

/**
 * pino: every level method of every logger (children included) ends in the shared prototype's
 * write, which turns the merge object into the line it writes with `asJson`: the line is read
 * there, as pino wrote it, so that its own `redact` paths and serializers hold in the panel too.
 */
export function instrumentPino(module: unknown): void {
  const pino = module as PinoModule;
  if (typeof pino !== 'function' || typeof pino.symbols?.writeSym !== 'symbol') fail('pino', 'the pino module (`import pino from \'pino\'`)', module);
  // A logger that writes nowhere, only to reach the prototype all loggers share (two levels up).
  const probe = pino({ level: 'silent' }, { write() {} });
  const shared = Object.getPrototypeOf(Object.getPrototypeOf(probe)) as Record<symbol, unknown>;
  if (patched.has(shared)) return;
  const { symbols } = pino;
  const write = shared[symbols.writeSym];
  const asJson = typeof symbols.asJsonSym === 'symbol' ? shared[symbols.asJsonSym] : undefined;
  if (typeof write !== 'function' || typeof asJson !== 'function') fail('pino', 'a pino version whose loggers have write and asJson symbols (pino 7 or later)', module);
  patched.add(shared);
  shared[symbols.asJsonSym] = function pinoAsJson(this: PinoLogger, obj: unknown, msg: unknown, num: number, time: unknown) {
    const line = (asJson as (...args: unknown[]) => unknown).call(this, obj, msg, num, time);
    recordLog(() => {
      const label = this.levels?.labels?.[num] ?? 'info';
      const read = typeof line === 'string' ? pinoLine(this, symbols, line, num, time) : null;
      // A line pino did not write as JSON (a custom stringifier that failed): its message alone.
      const message = read ? read.message : typeof msg === 'string' ? msg : '';
      return { level: PINO_LEVELS[label] ?? 'info', message, source: 'pino', fields: read?.fields };
    }, pinoAsJson);
    return line;
  };
  shared[symbols.writeSym] = function pinoWrite(this: unknown, ...args: unknown[]) {
    return asLoggerWrite(() => (write as (...a: unknown[]) => unknown).apply(this, args));
  };
}

const WINSTON_LEVELS: Record<string, LogLevel> = {
  error: 'error', warn: 'warn', info: 'info', http: 'info', verbose: 'debug', debug: 'debug', silly: 'trace',
  emerg: 'fatal', alert: 'fatal', crit: 'fatal', warning: 'warn', notice: 'info',
};
const LEVEL = Symbol.for('level');
const SPLAT = Symbol.for('splat');

type WinstonInfo = Record<string | symbol, unknown>;

const TOKENS = /%[scdjifoO%]/g;

/**
 * What winston's `format.splat()` will print: `%s` tokens filled from the splat, the objects left
 * over merged into the line's meta.
 */
function applySplat(message: unknown, splat: unknown): { text: string; extra: object[] } {
  if (message instanceof Error) return { text: message.message, extra: [] };
  const text = String(message ?? '');
  if (!Array.isArray(splat) || splat.length === 0) return { text, extra: [] };
  const expected = (text.match(TOKENS) ?? []).filter((token) => token !== '%%').length;
  const extra = splat.slice(expected).filter((item): item is object => item !== null && typeof item === 'object');
  return { text: expected > 0 ? format(text, ...splat.slice(0, expected)) : text, extra };
}

/**
 * winston 3: every level method, `log()` and a child's write end in the Logger's `write(info)`;
 * lines its level filters out are not recorded, as they are not written.
 */
export function instrumentWinston(module: unknown): void {
  const Logger = (module as { Logger?: unknown } | null)?.Logger as { prototype: Record<string, unknown> } | undefined;
  if (typeof Logger !== 'function') fail('winston', 'the winston module (`import winston from \'winston\'`)', module);
  const proto = (Logger as { prototype: Record<string, unknown> }).prototype;
  if (patched.has(proto)) return;
  patched.add(proto);
  const write = proto.write as (...args: unknown[]) => boolean;
  proto.write = function winstonWrite(this: { isLevelEnabled?: (level: string) => boolean }, info: WinstonInfo, ...rest: unknown[]) {
    if (info && typeof info === 'object') {
      recordLog(() => {
        const name = String(info[LEVEL] ?? info.level ?? 'info');
        // A line its level filters out is not written: not recorded either.
        if (this.isLevelEnabled?.(name) === false) return null;
        const { level: _level, message, ...meta } = info as { level?: unknown; message?: unknown };
        const { text, extra } = applySplat(message, info[SPLAT]);
        return { level: WINSTON_LEVELS[name] ?? 'info', message: text, source: 'winston', fields: Object.assign(meta, ...extra) };
      }, winstonWrite);
    }
    return asLoggerWrite(() => write.call(this, info, ...rest));
  };
}


/**
 * debug: an enabled namespace writes through `createDebug.log` with the instance as `this`;
 * disabled ones never reach it, so they cost nothing here.
 */
export function instrumentDebug(module: unknown): void {
  const createDebug = module as { log?: (...args: unknown[]) => unknown; enable?: unknown };
  if (typeof module !== 'function' || typeof createDebug.enable !== 'function') fail('debug', 'the debug module (`import createDebug from \'debug\'`)', module);
  if (patched.has(createDebug)) return;
  patched.add(createDebug);
  const log = createDebug.log;
  createDebug.log = function debugLog(this: { namespace?: string }, ...args: unknown[]) {
    recordLog(() => {
      const namespace = typeof this?.namespace === 'string' ? this.namespace : undefined;
      let message = withoutColours(format(...args)).trim();
      // debug's own decorations: an ISO date or the namespace in front, the time since the last line behind.
      message = message.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+/, '');
      if (namespace && message.startsWith(namespace)) message = message.slice(namespace.length).trim();
      message = message.replace(/\s*\+\d+(ms|s|m|h|d)$/, '');
      return { level: 'debug', message, source: 'debug', namespace };
    }, debugLog);
    return asLoggerWrite(() => (log ?? console.error).apply(this, args));
  };
}
