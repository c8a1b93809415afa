import type { CallSite } from '../../types.js';

/** Which client sent a command. */
export type CacheClient = 'node-redis' | 'ioredis';

/** One command of a pipeline or MULTI, as stored. */
export interface CacheSubCommand {
  command: string;
  key: string | null;
  /** Arguments after the command name, bounded; values written are never kept. */
  args: string[];
  /** For reads, when the client gave each command's reply. */
  hit?: boolean;
}

/** A pipeline or MULTI/EXEC: one round trip for all its commands. */
export interface CachePipeline {
  kind: 'pipeline' | 'multi';
  commands: CacheSubCommand[];
}

/** One round trip to Redis, as `detail.panels.cache.commands` serves it. */
export interface CacheCommand {
  /** `GET`, `HGETALL`; `PIPELINE` or `MULTI` for a batch (its commands in `pipeline`). */
  command: string;
  /** The first key argument; null for commands without one (`PING`) and for batches. */
  key: string | null;
  /** Arguments after the command name, bounded; values written are never kept. */
  args: string[];
  /** Milliseconds since the request started. */
  startMs: number;
  /** Null while the reply had not come back when the record was stored. */
  durationMs: number | null;
  /** The user's line that sent it, source-mapped; null when no frame of the app was on the stack. */
  callSite: CallSite | null;
  client: CacheClient;
  /** For reads: whether the key was there (`false` for a null reply). Absent for writes and batches. */
  hit?: boolean;
  /** For multi-key reads (`MGET`): how many of the keys were not there. */
  misses?: number;
  /** The error Redis (or the client) answered with. */
  error?: string;
  pipeline?: CachePipeline;
  /** Sent after the response was sent, in the request's async context (before `afterResponseMs` ran out). */
  afterResponse?: true;
}

/** The fix of an N+1, in the words of the client that sent it. */
export interface CacheFix {
  /** One line saying what to do. */
  text: string;
  /** Code using `keys` (the keys the loop read) and the client's variable; assigns `values`. */
  code: string;
  /** The variable the app calls the client by, read from its line (`client` when unknown). */
  receiver: string;
}

/** The same command with a key differing per call, from one line, at least the threshold. */
export interface CacheNPlusOne {
  kind: 'n-plus-one';
  command: string;
  /** The keys with their varying parts as `*`: `user:*`. */
  keyPattern: string;
  count: number;
  /** Indexes in `commands`. */
  commandIndexes: number[];
  totalMs: number;
  callSite: CallSite | null;
  /** `GET user:* ran 40 times from feed.ts:12`. */
  message: string;
  fix: CacheFix | null;
}

/** The same command with the same arguments, more than once. */
export interface CacheDuplicate {
  kind: 'duplicate';
  command: string;
  key: string | null;
  count: number;
  commandIndexes: number[];
  message: string;
}

export type CacheFinding = CacheNPlusOne | CacheDuplicate;

/** `detail.panels.cache`. */
export interface CacheDetail {
  commands: CacheCommand[];
  findings: CacheFinding[];
  /** Round trips past the per-request limit: counted, not kept. */
  dropped: number;
}
