import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { redisStore, type StoredRequest } from '../../server/index.js';
import { reconnectDelay } from '../../server/store/redis-store.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../fixtures/cluster/redis.js';
import { withClockStopped } from '../support/clock-stopped.js';

const available = await redisAvailable();
/** The store's COMMAND_TIMEOUT_MS: how long a command may keep the store's caller waiting. */
const COMMAND_TIMEOUT_MS = 1000;

const request = (id: string): StoredRequest => ({
  id, method: 'GET', url: `/${id}`, status: 200, startedAt: 0, durationMs: 1, contentType: null, queries: [], queryCount: 0,
});

describe.skipIf(!available)('redisStore', () => {
  const prefix = testPrefix('store');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  const stores: { close(): Promise<void> }[] = [];
  const open = (options: Parameters<typeof redisStore>[0]) => {
    const store = redisStore({ url: REDIS_URL, ...options });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    admin = await adminClient(prefix);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await admin.cleanup();
    expect(await (async () => {
      const check = await adminClient(prefix);
      const left = await check.client.keys(`${prefix}*`);
      await check.client.close();
      return left;
    })()).toEqual([]);
  });

  it('lists newest first and evicts the oldest past capacity, deleting its record', async () => {
    const keyPrefix = `${prefix}ring:`;
    const store = open({ capacity: 3, keyPrefix });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await store.add(request(id));
    expect((await store.list()).map((r) => r.id)).toEqual(['e', 'd', 'c']);
    expect(await store.get('b')).toBeUndefined();
    expect(await admin.client.exists(`${keyPrefix}req:a`)).toBe(0);
    expect((await store.get('c'))?.url).toBe('/c');
    expect(await admin.client.lLen(`${keyPrefix}ids`)).toBe(3);
  });

  it('holds fewer than capacity without gaps, and answers undefined for an unknown id', async () => {
    const store = open({ capacity: 5, keyPrefix: `${prefix}few:` });
    expect(await store.list()).toEqual([]);
    await store.add(request('x'));
    await store.add(request('y'));
    expect((await store.list()).map((r) => r.id)).toEqual(['y', 'x']);
    expect(await store.get('nope')).toBeUndefined();
  });

  it('sets the ttl on the record and on the id list', async () => {
    const keyPrefix = `${prefix}ttl:`;
    const store = open({ ttlSeconds: 120, keyPrefix });
    await store.add(request('t'));
    for (const key of [`${keyPrefix}req:t`, `${keyPrefix}ids`]) {
      const ttl = await admin.client.ttl(key);
      expect(ttl).toBeGreaterThan(100);
      expect(ttl).toBeLessThanOrEqual(120);
    }
  });

  it('skips records that expired or vanished while their id is still listed', async () => {
    const keyPrefix = `${prefix}gone:`;
    const store = open({ keyPrefix });
    await store.add(request('1'));
    await store.add(request('2'));
    await admin.client.del(`${keyPrefix}req:1`);
    expect((await store.list()).map((r) => r.id)).toEqual(['2']);
  });

  it('round-trips a stored request as JSON, frames read through their getter', async () => {
    const store = open({ keyPrefix: `${prefix}json:` });
    const frames = [{ file: '/app/routes/users.js', line: 12, column: 5, fn: 'list' }];
    const query = {
      id: 1, sql: 'select * from users where id = $1', params: [1, 'two', null, true], startMs: 1.5, durationMs: 0.25,
      rowCount: 1, db: { system: 'postgresql', name: 'test' }, spanId: 's1',
    } as unknown as StoredRequest['queries'][number];
    let read = 0;
    Object.defineProperty(query, 'frames', { enumerable: true, get: () => (read++, frames) });
    const stored: StoredRequest = {
      ...request('json'), status: 201, contentType: 'text/html; charset=utf-8', queries: [query], queryCount: 3,
      spans: [{ id: 's1', parentId: null, kind: 'handler', name: 'GET /users', startMs: 0, durationMs: 4, detail: 'x' }],
      templates: [],
    };
    await store.add(stored);
    expect(read).toBeGreaterThan(0);
    expect(await store.get('json')).toEqual(JSON.parse(JSON.stringify(stored)));
    expect((await store.get('json'))?.queries[0].frames).toEqual(frames);
  });

  it('shares requests between two stores on one prefix, as workers do', async () => {
    const keyPrefix = `${prefix}shared:`;
    const one = open({ keyPrefix });
    const two = open({ keyPrefix });
    await one.add(request('from-one'));
    await two.add(request('from-two'));
    expect((await one.list()).map((r) => r.id)).toEqual(['from-two', 'from-one']);
    expect((await two.get('from-one'))?.url).toBe('/from-one');
  });

  it('uses a client of the app\'s own, connecting it but never closing it', async () => {
    const client = createClient({ url: REDIS_URL });
    const store = redisStore({ client, keyPrefix: `${prefix}own:` });
    await store.add(request('mine'));
    expect((await store.get('mine'))?.id).toBe('mine');
    await store.close();
    expect(client.isReady).toBe(true);
    await client.close();
  });
});

describe('redisStore with Redis unreachable', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers reads at once and adds by the command timeout, before any reconnection attempt, with one warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = redisStore({ url: 'redis://127.0.0.1:1' });
    // Refused at once: reads answer without the connect timeout or a reconnection attempt. An add
    // is a MULTI, which node-redis queues even with disableOfflineQueue: the store's command
    // timeout answers it, and no later, still with no reconnection attempt.
    const { result, delaysWaiting } = await withClockStopped(async (clock) => {
      const reads = [await store.get('lost'), await store.list()];
      const adds = Promise.all([store.add(request('lost')), store.add(request('lost-too'))]);
      await clock.advance(COMMAND_TIMEOUT_MS);
      return [...reads, ...await adds];
    });
    expect(result).toEqual([undefined, [], undefined, undefined]);
    // All of it while the first reconnection attempt was still waiting out its backoff.
    expect(delaysWaiting).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/redisStore/);
    await store.close();
  });

  it('backs off with a cap, then gives up', () => {
    const delays = Array.from({ length: 6 }, (_, retries) => reconnectDelay(retries) as number);
    expect(delays[0]).toBeLessThan(300);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3100);
    expect(reconnectDelay(6)).toBeInstanceOf(Error);
  });

  it('rejects bad options', () => {
    expect(() => redisStore({ url: REDIS_URL, capacity: 0 })).toThrow(/capacity must be a positive integer/);
    expect(() => redisStore({ url: REDIS_URL, ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
    expect(() => redisStore({})).toThrow(/url/);
  });
});
