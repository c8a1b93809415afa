import type { ServerPanel } from '../panel.js';
import { toCallSite } from '../../stack/source-map.js';
import { mapStrings, redactNamedValues } from '../../security/redact-value.js';
import { instrumentConsole, recordingConsoleMethod } from './console.js';
import { newLogState, type CapturedLog, type LogState } from './entries.js';
import { instrumentDebug, instrumentPino, instrumentWinston } from './loggers.js';
import type { LogsDetail } from './types.js';

/** The loggers the Logs panel records besides `console`, in the `instrument` option. */
export interface LogsInstrumentable {
  /** `import pino from 'pino'`: every logger and child the app makes. */
  pino?: unknown;
  /** `import winston from 'winston'`: every logger `createLogger` makes, children included. */
  winston?: unknown;
  /** `import createDebug from 'debug'`: the namespaces `DEBUG` enables. */
  debug?: unknown;
  /**
   * The Sequelize instance (the SQL panel's key too): its default `logging` is the `console.log`
   * it found when the app created it, usually before the toolbar patched the console.
   */
  sequelize?: unknown;
}

/** What the store keeps: the lines with their raw frames, mapped when somebody reads them. */
export interface StoredLogs {
  entries: CapturedLog[];
  dropped: number;
}

/**
 * Sequelize keeps its own reference to `console.log` (its default `logging`), taken when the app
 * created it, usually before the toolbar: pointed at the recording one. Any other value is the
 * SQL panel's to judge (it validates the same key), so nothing here throws.
 */
function recordSequelizeLogging(sequelize: unknown): void {
  // The panel's `instrument` functions run before its setup: the console is patched first here.
  instrumentConsole();
  const options = (sequelize as { options?: { logging?: unknown } } | null)?.options;
  const recording = recordingConsoleMethod(options?.logging);
  if (options && recording) options.logging = recording;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The Logs panel: what the app logged while serving the request, through `console` (always) and
 * the loggers passed in `instrument` (`{ pino }`, `{ winston }`, `{ debug }`), in order, with the
 * line that logged it. Bounded per request; outside a request nothing is kept.
 */
export const logsPanel: ServerPanel<LogState, StoredLogs, LogsDetail> = {
  id: 'logs',
  title: 'Logs',
  instrument: { pino: instrumentPino, winston: instrumentWinston, debug: instrumentDebug, sequelize: recordSequelizeLogging },
  setup() {
    instrumentConsole();
  },
  start: ({ settings }) => newLogState(settings.isSecretName),
  recordsAfterResponse: true,
  recordsUnits: true,
  finish(state, _request, redaction) {
    if (state.entries.length === 0 && state.dropped === 0) return undefined;
    const entries = state.entries.map((entry) => {
      const message = redaction.scrubText(redactNamedValues(entry.message, redaction.isSecretName));
      const redacted: CapturedLog = { ...entry, message };
      // Strings in fields are texts too (an error's message, a URL): the same rules as the message.
      const scrub = (text: string) => redaction.scrubText(redactNamedValues(/^(\/|https?:\/\/)\S*$/.test(text) ? redaction.redactUrl(text) : text, redaction.isSecretName));
      // Copied, bounded and redacted by name when logged (entries.ts): the texts only, here.
      if (entry.fields) redacted.fields = mapStrings(entry.fields, scrub) as Record<string, unknown>;
      return redacted;
    });
    return { entries, dropped: state.dropped };
  },
  detail(stored) {
    return {
      entries: stored.entries.map(({ frames, ...entry }) => ({ ...entry, callSite: toCallSite(frames) })),
      dropped: stored.dropped,
    };
  },
  badge(state) {
    return state.problems > 0 ? { text: plural(state.problems, 'warning', 'warnings'), tone: 'warn' } : null;
  },
};
