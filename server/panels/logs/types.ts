import type { CallSite } from '../../types.js';

/** How severe a line is, in the words of the logger that wrote it (console's `log` kept as `log`). */
export type LogLevel = 'trace' | 'debug' | 'log' | 'info' | 'warn' | 'error' | 'fatal';

/** Which logger wrote a line. */
export type LogSource = 'console' | 'pino' | 'winston' | 'debug';

/** One line the app logged while serving the request, as `detail.panels.logs.entries` serves it. */
export interface LogEntry {
  level: LogLevel;
  /** The formatted message, secrets redacted, at most 2,000 characters. */
  message: string;
  /** Milliseconds since the request started. */
  timeMs: number;
  /** The user's line that logged it, source-mapped; null when no user frame was on the stack. */
  callSite: CallSite | null;
  source: LogSource;
  /** The structured fields the logger was given (pino's object, winston's meta, a child's bindings), redacted and bounded. */
  fields?: Record<string, unknown>;
  /** The `debug` namespace (`app:db`). */
  namespace?: string;
  /** Logged after the response was sent, in the request's async context (before `afterResponseMs` ran out). */
  afterResponse?: true;
}

/** `detail.panels.logs`. */
export interface LogsDetail {
  entries: LogEntry[];
  /** Lines logged past the per-request limit: counted, not kept. */
  dropped: number;
}
