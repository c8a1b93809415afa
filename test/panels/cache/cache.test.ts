import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import * as redis5 from 'redis';
import * as redis4 from 'redis4';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { CacheDetail, CacheNPlusOne } from '../../../server/panels/cache/types.js';
import { fetchRecorded, listen } from '../../support/http.js';

/**
 * Issue 15, part 4: the Cache panel, against the Redis at 127.0.0.1:6379 (REDIS_URL), with
 * node-redis v5 and v4 and ioredis, in a real Express app. Each run uses its own key prefix and
 * deletes its keys.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;
const load = createRequire(import.meta.url);

/** What each client needs: its module for `instrument`, a connected client, its own words. */
interface ClientCase {
  instrument: object;
  connect: () => Promise<{ client: any; quit: () => Promise<unknown> }>;
  fixCall: string;
}

const nodeRedis = (module: { createClient: (options: { url: string }) => any }): ClientCase['connect'] => async () => {
  const client = module.createClient({ url: REDIS_URL });
  await client.connect();
  return { client, quit: () => client.quit() };
};

const CASES: [string, ClientCase][] = [
  ['redis v5', { instrument: { redis: redis5 }, connect: nodeRedis(redis5), fixCall: 'client.mGet(keys)' }],
  ['redis v4', { instrument: { redis: redis4 }, connect: nodeRedis(redis4), fixCall: 'client.mGet(keys)' }],
  ['ioredis', {
    instrument: { ioredis: Redis },
    connect: async () => {
      const client = new Redis(REDIS_URL);
      await client.ping();
      return { client, quit: () => client.quit() };
    },
    fixCall: 'client.mget(...keys)',
  }],
];

describe.each(CASES)('the Cache panel with %s', (_name, setup) => {
  const routes = fileURLToPath(new URL('../../fixtures/cache/routes.cjs', import.meta.url));
  const lineOf = (marker: string) => readFileSync(routes, 'utf8').split('\n').findIndex((line) => line.includes(`// ${marker}`)) + 1;
  const prefix = `edt-test:${randomUUID()}:`;
  const ids = [1, 2, 3, 4, 5];
  let base: string;
  let close: () => Promise<void>;
  let connection: Awaited<ReturnType<ClientCase['connect']>>;
  let fix: { receiver: string; code: string; keys: string[] } | null = null;

  beforeAll(async () => {
    connection = await setup.connect();
    const { client } = connection;
    for (const id of ids) await client.set(`${prefix}user:${id}`, `user ${id}`);
    // node-redis names it hSet, ioredis hset.
    const hashSet = (client.hSet ?? client.hset).bind(client);
    for (const id of ids) await hashSet(`${prefix}profile:${id}`, { name: `user ${id}` });
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: setup.instrument as never }));
    (load(routes) as (app: express.Express, deps: object) => void)(app, { client, prefix, ids });
    app.get('/run-fix', async (_req, res) => {
      const run = new AsyncFunction(fix!.receiver, 'keys', `${fix!.code}\nreturn values;`);
      res.json(await run(client, fix!.keys));
    });
    ({ url: base, close } = await listen(app));
  });

  afterAll(async () => {
    await close();
    const { client } = connection;
    for (const key of [...ids.map((id) => `user:${id}`), ...ids.map((id) => `profile:${id}`), 'token:abc']) await client.del(`${prefix}${key}`);
    await connection.quit();
  });

  it('finds the GET per row as an N+1, with the line, a badge, Server-Timing, and a fix that runs in one round trip', async () => {
    const { detail, body, response } = await fetchRecorded(base, '/feed');
    const cache = detail.panels.cache as CacheDetail;
    expect(cache.commands.map((c) => [c.command, c.key, c.hit])).toEqual(ids.map((id) => ['GET', `${prefix}user:${id}`, true]));
    expect(cache.commands.every((c) => c.callSite?.file === routes && c.callSite.line === lineOf('n-plus-one'))).toBe(true);
    expect(cache.commands.every((c) => typeof c.durationMs === 'number' && c.durationMs >= 0)).toBe(true);
    const [finding] = cache.findings as CacheNPlusOne[];
    expect(finding).toMatchObject({ kind: 'n-plus-one', command: 'GET', keyPattern: `${prefix}user:*`, count: 5, commandIndexes: [0, 1, 2, 3, 4] });
    expect(finding.message).toMatch(new RegExp(`^GET ${prefix}user:\\* ran 5 times from .*routes\\.cjs:${lineOf('n-plus-one')}$`));
    expect(finding.fix?.code).toContain(setup.fixCall);
    expect(cache.findings).toHaveLength(1);
    expect(body).toContain('&quot;id&quot;:&quot;cache&quot;,&quot;text&quot;:&quot;cache: 1 finding&quot;,&quot;tone&quot;:&quot;warn&quot;');
    expect(response.headers.get('server-timing')).toMatch(/cache;dur=[\d.]+;desc="5 commands"/);

    // The fix, executed against the same Redis in a recorded request: the same values, one round trip.
    fix = { ...finding.fix!, keys: finding.commandIndexes.map((i) => cache.commands[i].key!) };
    const fixed = await fetchRecorded(base, '/run-fix');
    expect(JSON.parse(fixed.body)).toEqual(ids.map((id) => `user ${id}`));
    const after = fixed.detail.panels.cache as CacheDetail;
    expect(after.commands).toHaveLength(1);
    expect(after.commands[0]).toMatchObject({ command: 'MGET', hit: true, misses: 0 });
    expect(after.findings).toEqual([]);
  });

  it('suggests one pipeline for an N+1 of another command, and the pipeline runs in one round trip with the same replies', async () => {
    const { detail, body } = await fetchRecorded(base, '/profiles');
    const cache = detail.panels.cache as CacheDetail;
    const [finding] = cache.findings as CacheNPlusOne[];
    expect(finding).toMatchObject({ kind: 'n-plus-one', command: 'HGETALL', keyPattern: `${prefix}profile:*`, count: 5 });
    expect(finding.fix?.code).toContain(setup.fixCall.startsWith('client.mGet') ? 'client.multi()' : 'client.pipeline()');
    fix = { ...finding.fix!, keys: finding.commandIndexes.map((i) => cache.commands[i].key!) };
    const fixed = await fetchRecorded(base, '/run-fix');
    expect(JSON.parse(fixed.body)).toEqual(JSON.parse(body));
    const after = fixed.detail.panels.cache as CacheDetail;
    expect(after.commands.map((c) => [c.command, c.pipeline?.commands.length])).toEqual([['PIPELINE', 5]]);
  });

  it('records a pipeline as one round trip listing its commands, with a hit and a miss', async () => {
    const { detail, body } = await fetchRecorded(base, '/pipeline');
    expect(JSON.parse(body)).toEqual(['user 1', null]);
    const cache = detail.panels.cache as CacheDetail;
    expect(cache.commands).toHaveLength(1);
    expect(cache.commands[0]).toMatchObject({
      command: 'PIPELINE', key: null,
      pipeline: { kind: 'pipeline', commands: [{ command: 'GET', key: `${prefix}user:1`, hit: true }, { command: 'GET', key: `${prefix}nobody`, hit: false }] },
    });
    expect(cache.commands[0].callSite?.line).toBe(lineOf(_name === 'ioredis' ? 'io-pipeline' : 'pipeline'));
  });

  it('records a MULTI as one round trip, without the value written, and redacts keys named like secrets', async () => {
    const { detail } = await fetchRecorded(base, '/multi');
    const cache = detail.panels.cache as CacheDetail;
    expect(cache.commands).toHaveLength(1);
    const [multi] = cache.commands;
    expect(multi.command).toBe('MULTI');
    expect(multi.callSite?.line).toBe(lineOf('multi'));
    expect(multi.pipeline?.kind).toBe('multi');
    expect(multi.pipeline?.commands.map((c) => [c.command, c.key])).toEqual([['SET', `${prefix}token:[redacted]`], ['GET', `${prefix}token:[redacted]`]]);
    expect(JSON.stringify(detail)).not.toContain('the-secret-value');
    expect(JSON.stringify(detail)).not.toContain('token:abc');
  });

  it('records a miss', async () => {
    const { detail } = await fetchRecorded(base, '/miss');
    const [get] = (detail.panels.cache as CacheDetail).commands;
    expect(get).toMatchObject({ command: 'GET', key: `${prefix}nobody`, hit: false });
    expect(get.callSite?.line).toBe(lineOf('miss'));
  });

  it('records the error Redis answered with', async () => {
    const { detail, response } = await fetchRecorded(base, '/error');
    expect(response.status).toBe(500);
    const [hget] = (detail.panels.cache as CacheDetail).commands;
    expect(hget).toMatchObject({ command: 'HGET', key: `${prefix}user:1`, args: [`${prefix}user:1`, 'name'] });
    expect(hget.error).toMatch(/WRONGTYPE/);
    expect(hget.callSite?.line).toBe(lineOf('error'));
  });

  it('reports the same command with the same arguments as a duplicate', async () => {
    const { detail } = await fetchRecorded(base, '/twice');
    const cache = detail.panels.cache as CacheDetail;
    expect(cache.findings).toEqual([expect.objectContaining({ kind: 'duplicate', command: 'GET', key: `${prefix}user:1`, count: 2, commandIndexes: [0, 1] })]);
  });

  it('records nothing sent outside a request', async () => {
    await connection.client.get(`${prefix}user:1`);
    const { detail, response } = await fetchRecorded(base, '/quiet');
    expect(detail.panels.cache).toBeUndefined();
    expect(response.headers.get('server-timing')).not.toContain('cache;');
  });
});

describe('instrument keys of the Cache panel', () => {
  it('says what to pass when a key holds something else', () => {
    expect(() => debugToolbar({ enabled: true, instrument: { redis: {} as never } })).toThrow(/`instrument.redis` must be the redis module v4 or v5/);
    expect(() => debugToolbar({ enabled: true, instrument: { ioredis: 3 as never } })).toThrow(/`instrument.ioredis` must be the ioredis module/);
  });
});
