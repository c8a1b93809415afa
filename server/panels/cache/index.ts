import type { ServerPanel } from '../panel.js';
import { REDACTED, type NameMatcher } from '../../security/redact.js';
import { isUserFrame } from '../../stack/callsite.js';
import { toCallSite } from '../../stack/source-map.js';
import { newCacheState, numberRuns, type CacheState, type CapturedCommand } from './commands.js';
import { cacheFindings, cacheRepeats, type FindingInput } from './findings.js';
import { instrumentIoredis } from './ioredis.js';
import { instrumentRedis } from './node-redis.js';
import type { CacheCommand, CacheDetail } from './types.js';

/** The Redis clients the Cache panel records, in the `instrument` option. */
export interface CacheInstrumentable {
  /** `import * as redis from 'redis'` (v4 or v5): every client of that copy, pipelines and MULTIs included. */
  redis?: unknown;
  /** `import { Redis } from 'ioredis'` (the class, or the module): every client, pipelines and MULTIs included. */
  ioredis?: unknown;
}

/** What the store keeps: the round trips with their raw frames, mapped when somebody reads them. */
export interface StoredCache {
  commands: CapturedCommand[];
  dropped: number;
}

/** Key parts that name a session store's prefix without a secret's word: connect-redis's default `sess:`. */
const SESSION_PREFIXES = new Set(['sess']);

/**
 * `session:abc123` → `session:[redacted]`, `sess:abc123` → `sess:[redacted]`: the part after a
 * part named like a secret or a session.
 */
export function redactKey(key: string, isSecretName: NameMatcher): string {
  const parts = key.split(':');
  for (let i = 0; i < parts.length - 1; i++) {
    if (isSecretName(parts[i]) || SESSION_PREFIXES.has(parts[i].toLowerCase())) parts[i + 1] = REDACTED;
  }
  return parts.join(':');
}

/** express-session's id of the request's session (`req.sessionID`), when it is long enough to hide safely. */
function sessionIdOf(req: unknown): string | null {
  const id = (req as { sessionID?: unknown } | undefined)?.sessionID;
  return typeof id === 'string' && id.length >= 8 ? id : null;
}

function redactCommand<T extends { key: string | null; args: string[] }>(command: T, hide: (text: string) => string): T {
  return { ...command, key: command.key === null ? null : hide(command.key), args: command.args.map(hide) };
}

const firstUserSite = (command: CapturedCommand) => command.frames.find(isUserFrame) ?? null;

const asInput = (command: CapturedCommand, run: string, site: FindingInput['site']): FindingInput => ({
  command: command.command, key: command.key, args: command.args, durationMs: command.durationMs, client: command.client,
  run, site, batch: command.pipeline !== undefined,
});

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The Cache panel: the Redis commands of a request (`redis` v4/v5 and `ioredis`), each round trip
 * with its key, duration, hit or miss, and the line that sent it; pipelines and MULTIs as one round
 * trip listing their commands; N+1s ("GET user:* ran 40 times from feed.ts:12") with a fix in the
 * client's words, and duplicates. Values written are never stored.
 */
export const cachePanel: ServerPanel<CacheState, StoredCache, CacheDetail> = {
  id: 'cache',
  title: 'Cache',
  instrument: { redis: instrumentRedis, ioredis: instrumentIoredis },
  start: ({ settings }) => newCacheState(settings.nPlusOneThreshold),
  recordsAfterResponse: true,
  recordsUnits: true,
  finish(state, request, redaction) {
    if (state.commands.length === 0 && state.dropped === 0) return undefined;
    numberRuns(state);
    // The session id is the user's login while the session lives, under whatever key prefix the store uses.
    const sessionId = sessionIdOf(request.req);
    const hide = (text: string) => redaction.scrubText(redactKey(sessionId ? text.split(sessionId).join(REDACTED) : text, redaction.isSecretName));
    const commands = state.commands.map((command) => {
      const redacted = redactCommand(command, hide);
      if (command.pipeline) redacted.pipeline = { ...command.pipeline, commands: command.pipeline.commands.map((sub) => redactCommand(sub, hide)) };
      return redacted;
    });
    return { commands, dropped: state.dropped };
  },
  detail(stored, _record, settings) {
    const callSites = stored.commands.map((command) => toCallSite(command.frames));
    const commands = stored.commands.map(({ frames: _frames, run: _run, runKey: _runKey, ...command }, i): CacheCommand => ({ ...command, callSite: callSites[i] }));
    const inputs = stored.commands.map((command, i) => asInput(command, String(command.run), callSites[i]));
    return { commands, findings: cacheFindings(inputs, (i) => callSites[i], settings.nPlusOneThreshold), dropped: stored.dropped };
  },
  badge(state) {
    // While the page is sent: raw frames, no source maps; the same grouping as the findings.
    const inputs = state.commands.map((command) => asInput(command, command.runKey ?? '', firstUserSite(command)));
    const { nPlusOne, duplicates } = cacheRepeats(inputs, state.nPlusOneThreshold);
    const findings = nPlusOne.length + duplicates.length;
    return findings > 0 ? { text: `cache: ${plural(findings, 'finding', 'findings')}`, tone: 'warn' } : null;
  },
  serverTiming(state) {
    if (state.commands.length === 0) return [];
    const durationMs = state.commands.reduce((sum, command) => sum + (command.durationMs ?? 0), 0);
    return [{ name: 'cache', durationMs, description: plural(state.commands.length, 'command', 'commands') }];
  },
};
