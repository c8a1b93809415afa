import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import * as redis from 'redis';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { debugToolbar, recordTask, redisStore } from '../../../server/index.js';
import type { RequestDetail, RequestListResponse } from '../../../server/types.js';
import type { CacheDetail } from '../../../server/panels/cache/types.js';
import type { LogsDetail } from '../../../server/panels/logs/types.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../../fixtures/cluster/redis.js';
import { fetchRecorded, listen, waitForRecord } from '../../support/http.js';

/**
 * Cache commands outside any request (a timer, start-up, a job) were dropped without a word. They
 * are kept as queries are (units/background.ts): in the background stream, one entry per line of
 * the app's, or in the task that `recordTask` wraps; against the Redis at REDIS_URL.
 */
const available = await redisAvailable();
const THIS_FILE = fileURLToPath(import.meta.url);

describe.skipIf(!available)('cache commands outside a request', () => {
  const prefix = testPrefix('background');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let client: ReturnType<typeof redis.createClient>;
  let base: string;
  let close: () => Promise<void>;

  const list = async (query = '') => (await (await fetch(`${base}/__toolbar/api/requests${query}`)).json()) as RequestListResponse;
  async function entry(query: string, matches: (summary: { id: string; url: string }) => boolean): Promise<RequestDetail> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = (await list(query)).requests.find(matches);
      if (found) return waitForRecord(base, found.id);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no ${query} entry`);
  }

  beforeAll(async () => {
    admin = await adminClient(prefix);
    client = redis.createClient({ url: REDIS_URL });
    await client.connect();
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { redis, ioredis: Redis } }));
    app.get('/page', async (_req, res) => res.json(await client.get(`${prefix}page`)));
    ({ url: base, close } = await listen(app));
  });
  afterAll(async () => {
    await close();
    await client.close();
    await admin.cleanup();
  });

  // Failed before: no background entry had any cache command.
  it('keeps a timer\'s commands in the background stream, with their N+1, never in a request', async () => {
    const poll = async () => {
      for (const id of [1, 2, 3]) await client.get(`${prefix}job:${id}`); // background-loop
    };
    const timer = setInterval(() => void poll(), 20);
    const page = await fetchRecorded(base, '/page');
    await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(timer);
    expect((page.detail.panels.cache as CacheDetail).commands.map((c) => c.key)).toEqual([`${prefix}page`]);
    const detail = await entry('?kind=background', ({ url }) => url.startsWith(THIS_FILE));
    const cache = detail.panels.cache as CacheDetail;
    expect(cache.commands.length).toBeGreaterThanOrEqual(3);
    expect(cache.commands.every((c) => c.command === 'GET' && c.key?.startsWith(`${prefix}job:`))).toBe(true);
    expect(cache.commands[0].callSite?.file).toBe(THIS_FILE);
    expect(cache.findings[0]).toMatchObject({ kind: 'n-plus-one', keyPattern: `${prefix}job:*` });
  });

  it('records a task\'s commands and lines in its own entry', async () => {
    await recordTask('warm the cache', async () => {
      console.info('warming');
      await client.set(`${prefix}warm`, 'yes');
    });
    const detail = await entry('?kind=task', ({ url }) => url === 'warm the cache');
    expect((detail.panels.cache as CacheDetail).commands.map((c) => [c.command, c.key])).toEqual([['SET', `${prefix}warm`]]);
    expect((detail.panels.logs as LogsDetail).entries.map((e) => e.message)).toEqual(['warming']);
  });

  it('files nothing ioredis sends by itself when a client connects at start-up', async () => {
    const before = new Set((await list('?kind=background')).requests.map((r) => r.id));
    const io = new Redis(REDIS_URL);
    try {
      await io.get(`${prefix}io-start`);
      // Its handshake, had it been kept, came first: its burst closes no later than the GET's.
      await entry('?kind=background', ({ id, url }) => url.startsWith(THIS_FILE) && !before.has(id));
      const fresh = (await list('?kind=background')).requests.filter((r) => !before.has(r.id));
      const details = await Promise.all(fresh.map((r) => waitForRecord(base, r.id)));
      const commands = details.flatMap((d) => (d.panels.cache as CacheDetail | undefined)?.commands ?? []);
      expect(commands.map((c) => [c.command, c.key])).toEqual([['GET', `${prefix}io-start`]]);
    } finally {
      io.disconnect();
    }
  });
});

describe.skipIf(!available)('the toolbar\'s own Redis store', () => {
  const prefix = testPrefix('own-store');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  const store = redisStore({ url: REDIS_URL, keyPrefix: prefix });
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    admin = await adminClient(prefix);
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { redis }, store }));
    app.get('/quiet', (_req, res) => res.json({ ok: true }));
    ({ url: base, close } = await listen(app));
  });
  afterAll(async () => {
    await close();
    await store.close();
    await admin.cleanup();
  });

  // Failed once cache commands outside a request were kept: the store's own SET, LPUSH, GET and
  // MGET (storing each request, answering the toolbar's API) filled the background stream.
  it('records none of its commands, in a request or in the background', async () => {
    const background = async () => (await (await fetch(`${base}/__toolbar/api/requests?kind=background`)).json() as RequestListResponse).requests;
    // The background stream is the process's: only entries from now on count.
    const before = new Set((await background()).map((r) => r.id));
    for (let i = 0; i < 3; i++) {
      const { detail } = await fetchRecorded(base, '/quiet');
      expect(detail.panels.cache).toBeUndefined();
    }
    await (await fetch(`${base}/__toolbar/api/requests`)).json();
    // A burst closes after a quiet second: wait past it.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const fresh = await Promise.all((await background()).filter((r) => !before.has(r.id)).map((r) => waitForRecord(base, r.id)));
    const keys = fresh.flatMap((d) => (d.panels.cache as CacheDetail | undefined)?.commands ?? []).map((c) => c.key ?? c.command);
    expect(keys.filter((key) => key.startsWith(prefix) || key === 'MULTI')).toEqual([]);
  });
});

