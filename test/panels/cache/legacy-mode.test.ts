import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import session from 'express-session';
import * as redis4 from 'redis4';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { CacheCommand, CacheDetail } from '../../../server/panels/cache/types.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../../fixtures/cluster/redis.js';
import { fetchRecorded, listen } from '../../support/http.js';

/**
 * node-redis v4's `createClient({ legacyMode: true })`, used through its callback API as
 * connect-redis 6 uses it, against the Redis at REDIS_URL. Found by a trial on an app with
 * express-session and connect-redis 6.1.3: the session's GET, EXPIRE, SET and DEL were missing
 * from the Cache panel and from Server-Timing.
 */
const available = await redisAvailable();
const load = createRequire(import.meta.url);

describe.skipIf(!available)('node-redis v4 in legacy mode', () => {
  const routes = fileURLToPath(new URL('../../fixtures/cache/legacy-routes.cjs', import.meta.url));
  const lineOf = (marker: string) => readFileSync(routes, 'utf8').split('\n').findIndex((line) => line.includes(`// ${marker}`)) + 1;
  const prefix = testPrefix('legacy');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let client: any;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    admin = await adminClient(prefix);
    await admin.client.set(`${prefix}user:1`, 'ada');
    await admin.client.set(`${prefix}user:2`, 'grace');
    await admin.client.hSet(`${prefix}profile:1`, { name: 'ada' });
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { redis: redis4 } }));
    client = redis4.createClient({ url: REDIS_URL, legacyMode: true });
    await client.connect();
    (load(routes) as (app: express.Express, deps: object) => void)(app, { client, prefix, session });
    ({ url: base, close } = await listen(app));
  });
  afterAll(async () => {
    await close();
    await client.v4.quit();
    await admin.cleanup();
  });

  const cacheOf = async (path: string, init?: RequestInit) => {
    const { detail, body, response } = await fetchRecorded(base, path, undefined, init);
    return { cache: detail.panels.cache as CacheDetail | undefined, body, response };
  };
  const shape = (c: CacheCommand) => [c.command, c.key, c.hit];
  const timed = (c: CacheCommand) => typeof c.durationMs === 'number' && c.durationMs >= 0;

  // Failed before: nothing sent through the legacy API was recorded (23 of 28 commands in the trial).
  it('records client.get(key, cb) once each, with the hit or the miss, the duration and the line', async () => {
    const { cache, body, response } = await cacheOf('/get');
    expect(JSON.parse(body)).toEqual({ hit: 'ada', miss: null });
    expect(cache?.commands.map(shape)).toEqual([['GET', `${prefix}user:1`, true], ['GET', `${prefix}nobody`, false]]);
    expect(cache!.commands.every(timed)).toBe(true);
    expect(cache!.commands.map((c) => [c.callSite?.file, c.callSite?.line])).toEqual([[routes, lineOf('legacy-get')], [routes, lineOf('legacy-miss')]]);
    expect(response.headers.get('server-timing')).toMatch(/cache;dur=[\d.]+;desc="2 commands"/);
  });

  it('records SET with EX, EXPIRE and DEL in their legacy form, keeping no value written', async () => {
    const { cache, body } = await cacheOf('/writes');
    expect(JSON.parse(body)).toEqual({ deleted: 1 });
    expect(cache?.commands.map((c) => [c.command, c.key, c.args, c.callSite?.line])).toEqual([
      ['SET', `${prefix}temp`, [`${prefix}temp`, '…3 more, values not kept'], lineOf('legacy-set')],
      ['EXPIRE', `${prefix}temp`, [`${prefix}temp`, '20'], lineOf('legacy-expire')],
      ['DEL', `${prefix}temp`, [`${prefix}temp`], lineOf('legacy-del')],
    ]);
    expect(cache!.commands.every(timed)).toBe(true);
  });

  // Failed before, and after a fix of `sendCommand` alone: v4 sends HGETALL's legacy form another way.
  it('records hGetAll(key, cb) and its lower-case alias, with the hit or the miss', async () => {
    const { cache, body } = await cacheOf('/hash');
    expect(JSON.parse(body)).toEqual({ profile: { name: 'ada' }, none: {} });
    expect(cache?.commands.map(shape)).toEqual([['HGETALL', `${prefix}profile:1`, true], ['HGETALL', `${prefix}nobody`, false]]);
    expect(cache!.commands.map((c) => c.callSite?.line)).toEqual([lineOf('legacy-hgetall'), lineOf('legacy-hgetall-miss')]);
    expect(cache!.commands.every(timed)).toBe(true);
  });

  it('records the legacy client.sendCommand([...], cb)', async () => {
    const { cache, body } = await cacheOf('/raw');
    expect(JSON.parse(body)).toEqual({ reply: 'ada' });
    expect(cache?.commands.map(shape)).toEqual([['GET', `${prefix}user:1`, true]]);
    expect(cache!.commands[0].callSite?.line).toBe(lineOf('legacy-send'));
  });

  it('records a command sent without a callback, with its duration', async () => {
    const { cache, body } = await cacheOf('/no-callback');
    expect(JSON.parse(body)).toEqual({ value: 'and forget' });
    expect(cache?.commands.map((c) => [c.command, c.key, c.callSite?.line])).toEqual([
      ['SET', `${prefix}fire`, lineOf('legacy-no-callback')],
      ['GET', `${prefix}fire`, expect.any(Number)],
    ]);
    expect(cache!.commands.every(timed)).toBe(true);
  });

  // client.v4.get was recorded before; client.v4.sendCommand was not.
  it('records the legacy client\'s promise API (client.v4) once each', async () => {
    const { cache, body } = await cacheOf('/v4');
    expect(JSON.parse(body)).toEqual({ viaMethod: 'ada', viaSend: 'ada' });
    expect(cache?.commands.map((c) => [c.command, c.key, c.hit, c.callSite?.line])).toEqual([
      ['GET', `${prefix}user:1`, true, lineOf('v4-get')],
      ['GET', `${prefix}user:1`, true, lineOf('v4-send')],
    ]);
  });

  it('records multi()…exec(cb) as one round trip listing its commands', async () => {
    const { cache, body } = await cacheOf('/multi');
    expect(JSON.parse(body)).toEqual({ replies: ['OK', 2, 'ada'] });
    expect(cache?.commands).toHaveLength(1);
    const [multi] = cache!.commands;
    expect(multi.command).toBe('MULTI');
    expect(multi.callSite?.line).toBe(lineOf('legacy-multi'));
    expect(multi.pipeline?.kind).toBe('multi');
    expect(multi.pipeline?.commands.map((c) => [c.command, c.key, c.hit])).toEqual([
      ['SET', `${prefix}counter`, undefined], ['INCR', `${prefix}counter`, undefined], ['GET', `${prefix}user:1`, true],
    ]);
    expect(timed(multi)).toBe(true);
  });

  it('records the error a callback receives', async () => {
    const { cache, body } = await cacheOf('/error');
    expect(JSON.parse(body).error).toMatch(/^WRONGTYPE/);
    expect(cache?.commands.map((c) => [c.command, c.key, c.callSite?.line])).toEqual([['HGET', `${prefix}user:1`, lineOf('legacy-error')]]);
    expect(cache!.commands[0].error).toMatch(/^WRONGTYPE/);
    expect(timed(cache!.commands[0])).toBe(true);
  });

  it('records the error of a command sent without a callback, still emitted on the client', async () => {
    const { cache, body } = await cacheOf('/no-callback-error');
    expect(JSON.parse(body).emitted).toMatch(/^WRONGTYPE/);
    expect(cache?.commands.map((c) => [c.command, c.callSite?.line])).toEqual([['HGET', lineOf('legacy-no-callback-error')]]);
    expect(cache!.commands[0].error).toMatch(/^WRONGTYPE/);
  });

  it('keeps Redis\' answer when the app\'s callback throws and v4 calls it again with that error', async () => {
    const { cache, body } = await cacheOf('/callback-throws');
    expect(JSON.parse(body)).toEqual({ seen: [null, 'thrown by the callback'] });
    expect(cache?.commands.map(shape)).toEqual([['GET', `${prefix}user:1`, true]]);
    expect(cache!.commands[0].error).toBeUndefined();
  });

  it('records each command in the request that sent it, with two requests at once', async () => {
    const [one, two] = await Promise.all([cacheOf('/slow/1'), cacheOf('/slow/2')]);
    expect(one.cache?.commands.map((c) => c.key)).toEqual([`${prefix}user:1`, `${prefix}user:1`]);
    expect(two.cache?.commands.map((c) => c.key)).toEqual([`${prefix}user:2`, `${prefix}user:2`]);
  });

  it('records the session store\'s GET, EXPIRE, SET and DEL (express-session, connect-redis 6 style)', async () => {
    const sessionKey = `${prefix}sess:[redacted]`;
    const login = await cacheOf('/login');
    const cookie = login.response.headers.get('set-cookie')!.split(';')[0];
    expect(login.cache?.commands.map((c) => [c.command, c.key, c.callSite?.line])).toEqual([['SET', sessionKey, lineOf('store-set')]]);

    const me = await cacheOf('/me', { headers: { cookie } });
    expect(JSON.parse(me.body)).toEqual({ user: 'ada' });
    expect(me.cache?.commands.map((c) => [c.command, c.key, c.hit, c.callSite?.line])).toEqual([
      ['GET', sessionKey, true, lineOf('store-get')],
      ['EXPIRE', sessionKey, undefined, lineOf('store-touch')],
    ]);
    expect(me.response.headers.get('server-timing')).toMatch(/cache;dur=[\d.]+;desc="2 commands"/);

    const logout = await cacheOf('/logout', { headers: { cookie } });
    expect(logout.cache?.commands.map((c) => [c.command, c.key, c.callSite?.line])).toEqual([
      ['GET', sessionKey, lineOf('store-get')],
      ['DEL', sessionKey, lineOf('store-destroy')],
    ]);

    const gone = await cacheOf('/me', { headers: { cookie } });
    expect(JSON.parse(gone.body)).toEqual({ user: null });
    expect(gone.cache?.commands.map(shape)).toEqual([['GET', sessionKey, false]]);
  });
});
