import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import * as redis4 from 'redis4';
import { Redis } from 'ioredis';
import { debugToolbar } from '../../../server/index.js';
import type { CacheDetail } from '../../../server/panels/cache/types.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../../fixtures/cluster/redis.js';
import { fetchRecorded, listen } from '../../support/http.js';

/**
 * Round trips the Cache panel missed or counted twice, against the Redis at REDIS_URL: node-redis
 * v4's scripts, functions, module commands and isolated commands, and ioredis's own handshake.
 */
const available = await redisAvailable();

type Route = (client: any) => Promise<unknown>;

async function serve(instrument: object, routes: Record<string, Route>, client: () => unknown) {
  const app = express();
  app.use(debugToolbar({ enabled: true, instrument: instrument as never }));
  for (const [path, route] of Object.entries(routes)) {
    app.get(path, async (_req, res) => {
      try {
        res.json({ reply: await route(client()) });
      } catch (error) {
        res.status(500).json({ error: (error as Error).message });
      }
    });
  }
  return listen(app);
}

const commandsOf = async (base: string, path: string) => {
  const { detail, body } = await fetchRecorded(base, path);
  return { commands: (detail.panels.cache as CacheDetail | undefined)?.commands ?? [], body: JSON.parse(body) as { reply?: unknown; error?: string } };
};

describe.skipIf(!available)('node-redis v4: scripts, functions, module commands, isolated commands', () => {
  const prefix = testPrefix('v4-extensions');
  const LIBRARY = "#!lua name=edt_test\nredis.register_function{function_name='edt_echo', callback=function(keys, args) return args[1] end, flags={'no-writes'}}";
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let client: any;
  let functionsLoaded = false;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    admin = await adminClient(prefix);
    await admin.client.set(`${prefix}user:1`, 'ada');
    // Functions need Redis 7.
    functionsLoaded = await admin.client.sendCommand(['FUNCTION', 'LOAD', 'REPLACE', LIBRARY]).then(() => true, () => false);
    ({ url: base, close } = await serve({ redis: redis4 }, {
      '/script': (c) => c.readUser(`${prefix}user:1`),
      '/function': (c) => c.edt_test.edt_echo(`${prefix}user:1`, 'hello'),
      '/module': (c) => c.json.get(`${prefix}doc:1`),
      '/isolated': (c) => c.get(redis4.commandOptions({ isolated: true }), `${prefix}user:1`),
      '/isolated-raw': (c) => c.sendCommand(['GET', `${prefix}user:1`], { isolated: true }),
    }, () => client));
    // Created after debugToolbar(), as the module commands need (node-redis.ts).
    client = redis4.createClient({
      url: REDIS_URL,
      scripts: {
        readUser: redis4.defineScript({ NUMBER_OF_KEYS: 1, SCRIPT: "return redis.call('GET', KEYS[1])", transformArguments: (key: string) => [key], transformReply: (reply: unknown) => reply }),
      },
      functions: {
        edt_test: { edt_echo: { IS_READ_ONLY: true, NUMBER_OF_KEYS: 1, transformArguments: (key: string, value: string) => [key, value], transformReply: (reply: unknown) => reply } },
      },
    });
    await client.connect();
  });
  afterAll(async () => {
    await close();
    await client.quit();
    if (functionsLoaded) await admin.client.sendCommand(['FUNCTION', 'DELETE', 'edt_test']);
    await admin.cleanup();
  });

  // Failed before: the scripts of createClient({ scripts }) were sent and never recorded.
  it('records a script as EVALSHA with its key', async () => {
    const { commands, body } = await commandsOf(base, '/script');
    expect(body.reply).toBe('ada');
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ command: 'EVALSHA', key: `${prefix}user:1` });
    expect(commands[0].callSite).not.toBeNull();
  });

  // Failed before: likewise the functions of createClient({ functions }).
  it('records a function as FCALL_RO with its key', async (context) => {
    if (!functionsLoaded) context.skip();
    const { commands, body } = await commandsOf(base, '/function');
    expect(body.reply).toBe('hello');
    expect(commands.map((c) => [c.command, c.key, c.args[0]])).toEqual([['FCALL_RO', `${prefix}user:1`, 'edt_echo']]);
  });

  // Failed before: the modules' namespaces (client.json, client.ft) call the executor directly.
  // The test's Redis has no RedisJSON: the round trip is recorded with Redis's answer.
  it('records a module command (client.json.get)', async () => {
    const { commands } = await commandsOf(base, '/module');
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ command: 'JSON.GET', key: `${prefix}doc:1` });
  });

  // Failed before: v4 sends an isolated command again from a pooled client: it was counted twice.
  it('records an isolated command once, as a method or raw', async () => {
    for (const path of ['/isolated', '/isolated-raw']) {
      const { commands, body } = await commandsOf(base, path);
      expect(body.reply).toBe('ada');
      expect(commands.map((c) => [c.command, c.key])).toEqual([['GET', `${prefix}user:1`]]);
      expect(commands[0].callSite).not.toBeNull();
    }
  });
});

describe.skipIf(!available)('ioredis: its own handshake is not the app\'s', () => {
  const prefix = testPrefix('ioredis-handshake');
  let base: string;
  let close: () => Promise<void>;
  const clients: Redis[] = [];

  beforeAll(async () => {
    ({ url: base, close } = await serve({ ioredis: Redis }, {
      // A client that connects on its first command, in the request (and its duplicate).
      '/lazy': async () => {
        const client = new Redis(REDIS_URL, { lazyConnect: true });
        clients.push(client);
        return client.get(`${prefix}nobody`);
      },
      '/duplicate': async (c: Redis) => {
        const copy = c.duplicate();
        clients.push(copy);
        return copy.get(`${prefix}nobody`);
      },
    }, () => clients[0]));
  });
  afterAll(async () => {
    await close();
    for (const client of clients) client.disconnect();
  });

  // Failed before: CLIENT SETINFO (twice) and the INFO of the ready check were the request's.
  it('records the app\'s command and not CLIENT SETINFO or the ready check\'s INFO', async () => {
    for (const path of ['/lazy', '/duplicate']) {
      const { commands } = await commandsOf(base, path);
      expect(commands.map((c) => [c.command, c.key])).toEqual([['GET', `${prefix}nobody`]]);
      expect(commands[0].callSite).not.toBeNull();
    }
  });

  it('still records INFO and CLIENT when the app sends them', async () => {
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { ioredis: Redis } }));
    app.get('/info', async (_req, res) => {
      await clients[0].info('server');
      await clients[0].client('GETNAME');
      res.json({ ok: true });
    });
    const server = await listen(app);
    try {
      const { commands } = await commandsOf(server.url, '/info');
      expect(commands.map((c) => c.command)).toEqual(['INFO', 'CLIENT']);
    } finally {
      await server.close();
    }
  });
});
