import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { Cluster, Redis } from 'ioredis';
import * as redis from 'redis';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { CacheDetail } from '../../../server/panels/cache/types.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { redisServerAvailable, startRedisCluster, type RedisCluster } from '../../support/redis-cluster.js';

/**
 * The Cache panel with a real Redis Cluster (three masters started for this file from the
 * machine's redis-server): ioredis's `Redis.Cluster` and node-redis's `createCluster`.
 */
const available = redisServerAvailable();
const THIS_FILE = fileURLToPath(import.meta.url);

describe.skipIf(!available)('the Cache panel with a Redis Cluster', () => {
  let cluster: RedisCluster;
  let io: Cluster;
  let nodeRedis: ReturnType<typeof redis.createCluster>;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { ioredis: Redis, redis } }));
    // Connects on its first command, which a request sends.
    io = new Redis.Cluster([{ host: '127.0.0.1', port: cluster.ports[0] }], { lazyConnect: true });
    nodeRedis = redis.createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${cluster.ports[0]}` }] });
    await nodeRedis.connect();
    app.get('/io/first', async (_req, res) => res.json(await io.get('user:1')));
    app.get('/io/loop', async (_req, res) => {
      const names = [];
      for (const id of ['a', 'b', 'c', 'd']) names.push(await io.get(`user:${id}`));
      res.json(names);
    });
    app.get('/io/pipeline', async (_req, res) => res.json(await io.pipeline().get('{cart}:1').get('{cart}:2').exec()));
    app.get('/node-redis/loop', async (_req, res) => {
      const names = [];
      for (const id of ['a', 'b', 'c', 'd']) names.push(await nodeRedis.get(`user:${id}`));
      res.json(names);
    });
    ({ url: base, close } = await listen(app));
  }, 60_000);

  afterAll(async () => {
    await close?.();
    io?.disconnect();
    await nodeRedis?.close();
    await cluster?.stop();
  });

  const cacheOf = async (path: string) => (await fetchRecorded(base, path)).detail.panels.cache as CacheDetail;

  // Failed before: the Cluster's CLUSTER SLOTS and CLUSTER INFO, each node connection's CLIENT
  // SETINFO and INFO were the request's, and the app's GET (queued until the Cluster was ready)
  // had no call site.
  it('ioredis: records the app\'s first command with its line, and nothing the Cluster sends by itself', async () => {
    const cache = await cacheOf('/io/first');
    expect(cache.commands.map((c) => [c.command, c.key])).toEqual([['GET', 'user:1']]);
    expect(cache.commands[0].callSite?.file).toBe(THIS_FILE);
  });

  it('ioredis: finds an N+1 across the nodes, with no handshake of a new node connection among it', async () => {
    const cache = await cacheOf('/io/loop');
    expect(cache.commands.map((c) => c.command)).toEqual(['GET', 'GET', 'GET', 'GET']);
    expect(cache.findings).toEqual([expect.objectContaining({ kind: 'n-plus-one', command: 'GET', keyPattern: 'user:*', count: 4 })]);
  });

  it('ioredis: records a pipeline as one round trip', async () => {
    const cache = await cacheOf('/io/pipeline');
    expect(cache.commands).toHaveLength(1);
    expect(cache.commands[0]).toMatchObject({ command: 'PIPELINE', pipeline: { kind: 'pipeline', commands: [{ command: 'GET', key: '{cart}:1' }, { command: 'GET', key: '{cart}:2' }] } });
  });

  it('node-redis: records a createCluster client\'s commands with their line', async () => {
    const cache = await cacheOf('/node-redis/loop');
    expect(cache.commands.map((c) => [c.command, c.key])).toEqual(['a', 'b', 'c', 'd'].map((id) => ['GET', `user:${id}`]));
    expect(cache.commands.every((c) => c.callSite?.file === THIS_FILE)).toBe(true);
  });
});
