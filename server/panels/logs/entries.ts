import { performance } from 'node:perf_hooks';
import { currentContext } from '../../request/context.js';
import { captureCallSiteFrames } from '../../stack/caller-frames.js';
import type { RawFrame } from '../../types.js';
import { redactValue } from '../../security/redact-value.js';
import type { NameMatcher } from '../../security/redact.js';
import { acceptsLateWork } from '../../request/after-response.js';
import type { LogLevel, LogSource } from './types.js';

/** Lines kept per request; more are counted. django-debug-toolbar's logging panel grew without bound. */
export const MAX_LOGS_PER_REQUEST = 200;
/** Longest message kept. */
export const MAX_MESSAGE = 2000;

/** A line as captured: plain data, no reference to the app's objects. */
export interface CapturedLog {
  level: LogLevel;
  message: string;
  timeMs: number;
  source: LogSource;
  frames: RawFrame[];
  fields?: Record<string, unknown>;
  namespace?: string;
  /** Logged after the response, in the request's async context, before its record settled. */
  afterResponse?: true;
}

/** The logs panel's state for one request. */
export interface LogState {
  entries: CapturedLog[];
  dropped: number;
  /** Warnings and errors (and fatals), for the badge. */
  problems: number;
  /**
   * The toolbar's `redactNames`: a line's fields are copied, bounded and redacted by name in one
   * walk, when it is logged.
   */
  isSecretName: NameMatcher;
}

export const newLogState = (isSecretName: NameMatcher): LogState => ({ entries: [], dropped: 0, problems: 0, isSecretName });

/** What a logger hook hands over. */
export interface LogLine {
  level: LogLevel;
  message: string;
  source: LogSource;
  fields?: unknown;
  namespace?: string;
}

// eslint-disable-next-line no-control-regex -- the escape character is what colour codes start with
const COLOUR_CODES = /\u001b\[[0-9;]*m/g;

/** A terminal line without its colour codes (`\x1b[31m…\x1b[0m`), as the panel shows text. */
export const withoutColours = (text: string): string => text.replace(COLOUR_CODES, '');

let insideLogger = 0;

/**
 * Runs a logger's own write: anything it prints through `console` is that line, not a second one
 * (winston's Console transport, a pino transport that falls back to console).
 */
export function asLoggerWrite<T>(run: () => T): T {
  insideLogger++;
  try {
    return run();
  } finally {
    insideLogger--;
  }
}

/** Whether a console call is a logger's own output, already recorded. */
export const writingForLogger = (): boolean => insideLogger > 0;

/**
 * Records a line in the current request's Logs panel, if a request is being recorded and the panel
 * is on. `describe` builds the line (or null: not a line after all) (formats the message, reads the fields) only then: outside a
 * request the cost is one AsyncLocalStorage lookup, and an app's `inspect.custom` runs once. Never
 * throws: a line the toolbar cannot read is the app's line all the same.
 */
export function recordLog(describe: () => LogLine | null, skipAbove: (...args: any[]) => unknown): void {
  try {
    const live = currentContext()?.request;
    if (!live) return;
    // After the response: kept until the record settles (`afterResponseMs`), as queries are.
    const late = live.responded === true || live.finished;
    if (late && !acceptsLateWork(live)) return;
    const state = live.panelState?.logs as LogState | undefined;
    if (!state) return;
    const line = describe();
    if (line === null) return;
    if (line.level === 'warn' || line.level === 'error' || line.level === 'fatal') state.problems++;
    if (state.entries.length >= MAX_LOGS_PER_REQUEST) {
      state.dropped++;
      if (late) live.onLateChange?.();
      return;
    }
    const message = line.message.length > MAX_MESSAGE
      ? `${line.message.slice(0, MAX_MESSAGE)}… [${line.message.length - MAX_MESSAGE} more characters]`
      : line.message;
    const entry: CapturedLog = {
      level: line.level,
      message,
      timeMs: performance.now() - live.startTime,
      source: line.source,
      // Its call site only (the panel shows no callers), along its hook's latest path.
      frames: captureCallSiteFrames(skipAbove),
    };
    // Copied now (the app may change or reuse the object after logging it), secrets' names
    // redacted; at finish only the texts are scrubbed, by the request's own secrets.
    const fields = line.fields === undefined ? undefined : redactValue(line.fields, state.isSecretName);
    if (fields && typeof fields === 'object' && !Array.isArray(fields) && Object.keys(fields).length > 0) {
      entry.fields = fields as Record<string, unknown>;
    }
    if (line.namespace) entry.namespace = line.namespace;
    state.entries.push(entry);
    if (late) {
      entry.afterResponse = true;
      live.onLateChange?.();
    }
  } catch {
    // Never fail the app's logging.
  }
}
