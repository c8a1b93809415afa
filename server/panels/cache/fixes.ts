import { readFileSync } from 'node:fs';
import type { CallSite } from '../../types.js';
import type { CacheClient, CacheFix } from './types.js';

/*
 * The fix of a cache N+1, in the words of the client that sent the commands: one MGET for GETs,
 * else one pipeline of the same command. The code reads `keys` (the keys the loop read, in order)
 * and assigns `values`, one reply per key; it uses the app's own name for the client when its
 * line says it (`await cache.get(…)`).
 */

/** node-redis' method names, where they are not the command in lower case. */
const NODE_REDIS_METHODS: Record<string, string> = {
  HGET: 'hGet', HGETALL: 'hGetAll', HMGET: 'hmGet', HEXISTS: 'hExists', HLEN: 'hLen', HKEYS: 'hKeys', HVALS: 'hVals',
  SMEMBERS: 'sMembers', SISMEMBER: 'sIsMember', SCARD: 'sCard', LRANGE: 'lRange', LINDEX: 'lIndex', LLEN: 'lLen',
  ZSCORE: 'zScore', ZRANGE: 'zRange', ZRANK: 'zRank', ZCARD: 'zCard', GETDEL: 'getDel', GETEX: 'getEx', HINCRBY: 'hIncrBy',
  INCRBY: 'incrBy', DECRBY: 'decrBy', PEXPIRE: 'pExpire', PTTL: 'pTTL', EXPIREAT: 'expireAt', HDEL: 'hDel', HSET: 'hSet', SADD: 'sAdd',
};
const SIMPLE = new Set(['GET', 'SET', 'DEL', 'EXISTS', 'TTL', 'TYPE', 'INCR', 'DECR', 'EXPIRE', 'PERSIST', 'UNLINK', 'STRLEN', 'APPEND']);

const lines = new Map<string, string[] | null>();

function sourceLine(site: CallSite | null): string | null {
  if (!site) return null;
  if (!lines.has(site.file)) {
    try {
      lines.set(site.file, readFileSync(site.file, 'utf8').split('\n'));
    } catch {
      lines.set(site.file, null);
    }
  }
  return lines.get(site.file)?.[site.line - 1] ?? null;
}

/** The expression the app calls the command on, from its line: `client`, `this.cache`, `app.locals.redis`. */
export function receiverOn(line: string | null, command: string): string | null {
  if (!line) return null;
  const method = command.replace(/[^A-Za-z]/g, '');
  const match = new RegExp(`((?:this|[A-Za-z_$][\\w$]*)(?:\\.[A-Za-z_$][\\w$]*)*)\\s*\\.\\s*(?:${method})\\s*\\(`, 'i').exec(line);
  return match ? match[1] : null;
}

/** The arguments after the key, as code: the same literal for every call, or a placeholder. */
function restOf(argsAfterKey: readonly (readonly string[])[]): { code: string; exact: boolean } {
  const first = argsAfterKey[0] ?? [];
  const same = argsAfterKey.every((args) => args.length === first.length && args.every((a, i) => a === first[i]));
  if (same && !first.some((arg) => arg.startsWith('…'))) return { code: first.map((arg) => `, ${JSON.stringify(arg)}`).join(''), exact: true };
  return { code: ', /* its other arguments */', exact: false };
}

/**
 * The fix of an N+1 of `command` sent by `client` from `site`.
 *
 * @example
 * cacheFix('node-redis', 'GET', [[], []], site) // { code: 'const values = await client.mGet(keys);', … }
 */
export function cacheFix(client: CacheClient, command: string, argsAfterKey: readonly (readonly string[])[], site: CallSite | null): CacheFix {
  const receiver = receiverOn(sourceLine(site), command) ?? (client === 'ioredis' ? 'redis' : 'client');
  if (command === 'GET') {
    return client === 'ioredis'
      ? { receiver, text: `Read the keys in one MGET: ${receiver}.mget(...keys)`, code: `const values = await ${receiver}.mget(...keys);` }
      : { receiver, text: `Read the keys in one MGET: ${receiver}.mGet(keys)`, code: `const values = await ${receiver}.mGet(keys);` };
  }
  const rest = restOf(argsAfterKey);
  const others = rest.exact ? '' : ' (with each call\'s other arguments)';
  if (client === 'ioredis') {
    const method = command.toLowerCase().replace(/[^a-z]/g, '');
    return {
      receiver,
      text: `Send the ${command}s in one pipeline${others}: ${receiver}.pipeline()`,
      code: `const batch = ${receiver}.pipeline();\nfor (const key of keys) batch.${method}(key${rest.code});\nconst values = (await batch.exec()).map(([, value]) => value);`,
    };
  }
  const method = NODE_REDIS_METHODS[command] ?? (SIMPLE.has(command) ? command.toLowerCase() : null);
  const call = method ? `batch.${method}(key${rest.code})` : `batch.addCommand([${JSON.stringify(command)}, key${rest.code}])`;
  return {
    receiver,
    text: `Send the ${command}s in one pipeline${others}: ${receiver}.multi() … .execAsPipeline()`,
    code: `const batch = ${receiver}.multi();\nfor (const key of keys) ${call};\nconst values = await batch.execAsPipeline();`,
  };
}
