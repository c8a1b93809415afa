/*
 * What the Cache panel reads from a command's name and arguments, for both clients: the first key,
 * whether it is a read (and so has a hit or a miss), and the arguments it may keep. Values written
 * (SET's value, HSET's fields' values, a pushed element) are never kept: only the arguments of
 * reads and key-only commands are, bounded.
 */

/** Reads answered with null (or nothing) when the key or field is not there. */
const SINGLE_READS = new Set(['GET', 'GETDEL', 'GETEX', 'HGET', 'LINDEX', 'ZSCORE', 'ZRANK', 'ZREVRANK', 'JSON.GET']);
/** Reads answered with an empty collection when the key is not there (Redis keeps no empty collection). */
const COLLECTION_READS = new Set(['HGETALL', 'SMEMBERS', 'LRANGE', 'ZRANGE', 'ZREVRANGE', 'ZRANGEBYSCORE', 'HKEYS', 'HVALS']);
/** Reads of several keys or fields: one null per one not there. */
const MULTI_READS = new Set(['MGET', 'HMGET']);
/** Commands whose every argument is a key, a field, a number or an option: kept, bounded. */
const KEEP_ARGS = new Set([
  ...SINGLE_READS, ...COLLECTION_READS, ...MULTI_READS,
  'EXISTS', 'TTL', 'PTTL', 'TYPE', 'STRLEN', 'DEL', 'UNLINK', 'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PERSIST',
  'INCR', 'DECR', 'INCRBY', 'DECRBY', 'HINCRBY', 'HEXISTS', 'HLEN', 'HDEL', 'LLEN', 'SCARD', 'ZCARD', 'KEYS',
  'SCAN', 'SELECT', 'PING', 'WATCH', 'SISMEMBER',
]);
/** Commands with no key argument. */
const KEYLESS = new Set([
  'PING', 'ECHO', 'INFO', 'MULTI', 'EXEC', 'DISCARD', 'SELECT', 'AUTH', 'HELLO', 'CLIENT', 'CONFIG', 'FLUSHALL',
  'FLUSHDB', 'DBSIZE', 'TIME', 'SCAN', 'KEYS', 'SCRIPT', 'FUNCTION', 'PUBLISH', 'SUBSCRIBE', 'PSUBSCRIBE',
  'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'COMMAND', 'QUIT', 'WAIT', 'RANDOMKEY', 'LASTSAVE', 'SAVE', 'BGSAVE', 'MONITOR', 'UNWATCH',
]);
/** Commands whose keys follow a key count: `EVAL script 2 k1 k2 …`. */
const NUMKEYS = new Set(['EVAL', 'EVALSHA', 'EVAL_RO', 'EVALSHA_RO', 'FCALL', 'FCALL_RO']);

/** At most this many arguments, each at most this long, are kept. */
export const MAX_ARGS = 10;
export const MAX_ARG_LENGTH = 120;

/** An argument as text: Buffers as UTF-8 when short, else their size. */
export function argText(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (Buffer.isBuffer(arg)) return arg.length <= MAX_ARG_LENGTH ? arg.toString('utf8') : `<${arg.length} bytes>`;
  if (typeof arg === 'number' || typeof arg === 'bigint' || typeof arg === 'boolean') return String(arg);
  return `<${arg === null ? 'null' : typeof arg}>`;
}

const bounded = (text: string) => (text.length > MAX_ARG_LENGTH ? `${text.slice(0, MAX_ARG_LENGTH)}…` : text);

/** `GET`, `CLIENT` (upper case, as Redis names it). */
export const commandName = (name: unknown): string => argText(name).toUpperCase();

/** The first key argument of a command, or null. `args` are the arguments after the name. */
export function firstKey(command: string, args: readonly unknown[]): string | null {
  if (KEYLESS.has(command) || args.length === 0) return null;
  if (NUMKEYS.has(command)) return Number(argText(args[1])) > 0 && args.length > 2 ? bounded(argText(args[2])) : null;
  return bounded(argText(args[0]));
}

/** The arguments kept: all of a read's or key-only command's, the first (the key) and a count otherwise. */
export function keptArgs(command: string, args: readonly unknown[]): string[] {
  const keep = KEEP_ARGS.has(command) ? args : args.slice(0, KEYLESS.has(command) ? 0 : 1);
  const kept = keep.slice(0, MAX_ARGS).map((arg) => bounded(argText(arg)));
  const left = args.length - kept.length;
  if (left > 0) kept.push(KEEP_ARGS.has(command) ? `…${left} more` : `…${left} more, values not kept`);
  return kept;
}

/** The same command with the same arguments, for duplicates (compared before anything is left out). */
export function runKey(command: string, args: readonly unknown[]): string {
  return [command, ...args.map(argText)].join('\u0000');
}

/** Whether a command is a read that hits or misses. */
export const isRead = (command: string): boolean =>
  SINGLE_READS.has(command) || COLLECTION_READS.has(command) || MULTI_READS.has(command) || command === 'EXISTS';

const isEmpty = (reply: unknown) => reply === null || reply === undefined
  || (Array.isArray(reply) && reply.length === 0)
  || (reply instanceof Map && reply.size === 0)
  || (typeof reply === 'object' && !Array.isArray(reply) && !(reply instanceof Map) && !Buffer.isBuffer(reply) && Object.keys(reply).length === 0);

/** A read's outcome from its reply: `{ hit }`, with `misses` for multi-key reads; empty for other commands. */
export function readOutcome(command: string, reply: unknown): { hit?: boolean; misses?: number } {
  if (SINGLE_READS.has(command)) return { hit: reply !== null && reply !== undefined };
  if (COLLECTION_READS.has(command)) return { hit: !isEmpty(reply) };
  if (command === 'EXISTS') return typeof reply === 'number' ? { hit: reply > 0 } : {};
  if (MULTI_READS.has(command) && Array.isArray(reply)) {
    const misses = reply.filter((value) => value === null || value === undefined).length;
    return { hit: misses === 0, misses };
  }
  return {};
}
