import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import session from 'express-session';
import * as redis from 'redis';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { CacheDetail } from '../../../server/panels/cache/types.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../../fixtures/cluster/redis.js';
import { fetchRecorded, listen, waitForRecord } from '../../support/http.js';

/**
 * The Cache panel and the toolbar's options: `nPlusOneThreshold` (it was a hard-coded 3), and
 * express-session's session ids in Redis keys, against the Redis at REDIS_URL.
 */
const available = await redisAvailable();
const routes = fileURLToPath(new URL('../../fixtures/cache/routes.cjs', import.meta.url));
const addRoutes = createRequire(import.meta.url)(routes) as (app: express.Express, deps: object) => void;

async function appWith(options: { nPlusOneThreshold?: number }, prefix: string, client: unknown) {
  const app = express();
  app.use(debugToolbar({ enabled: true, instrument: { redis }, ...options }));
  addRoutes(app, { client, prefix, ids: [1, 2, 3, 4, 5] });
  return listen(app);
}

describe.skipIf(!available)('the Cache panel with nPlusOneThreshold', () => {
  const prefix = testPrefix('threshold');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let client: ReturnType<typeof redis.createClient>;

  beforeAll(async () => {
    admin = await adminClient(prefix);
    client = redis.createClient({ url: REDIS_URL });
    await client.connect();
    for (const id of [1, 2, 3, 4, 5]) await client.set(`${prefix}user:${id}`, `user ${id}`);
  });
  afterAll(async () => {
    await client.close();
    await admin.cleanup();
  });

  // Failed before: 5 GETs from one line were an N+1 whatever the option said.
  it('reads no N+1 under the threshold, in the findings and the badge', async () => {
    const { url, close } = await appWith({ nPlusOneThreshold: 6 }, prefix, client);
    try {
      const { detail, body } = await fetchRecorded(url, '/feed');
      const cache = detail.panels.cache as CacheDetail;
      expect(cache.commands).toHaveLength(5);
      expect(cache.findings).toEqual([]);
      expect(body).not.toContain('cache: 1 finding');
    } finally {
      await close();
    }
  });

  it('reads one at the threshold', async () => {
    const { url, close } = await appWith({ nPlusOneThreshold: 5 }, prefix, client);
    try {
      const { detail, body } = await fetchRecorded(url, '/feed');
      expect((detail.panels.cache as CacheDetail).findings).toEqual([expect.objectContaining({ kind: 'n-plus-one', count: 5 })]);
      expect(body).toContain('cache: 1 finding');
    } finally {
      await close();
    }
  });
});

/**
 * An express-session store laid out as connect-redis lays its keys (`prefix` + session id,
 * default prefix `sess:`: GET to load, SET … EX to save, EXPIRE to touch, DEL to destroy), over a
 * real node-redis client. connect-redis itself is not a dependency of this project.
 */
class RedisLayoutStore extends session.Store {
  constructor(private readonly client: ReturnType<typeof redis.createClient>, private readonly prefix: string) {
    super();
  }

  override get(sid: string, done: (error: unknown, data?: session.SessionData | null) => void): void {
    this.client.get(this.prefix + sid).then((data) => done(null, data ? JSON.parse(data) : null), done);
  }

  override set(sid: string, data: session.SessionData, done?: (error?: unknown) => void): void {
    this.client.set(this.prefix + sid, JSON.stringify(data), { EX: 600 }).then(() => done?.(), (error) => done?.(error));
  }

  override touch(sid: string, _data: session.SessionData, done?: (error?: unknown) => void): void {
    this.client.expire(this.prefix + sid, 600).then(() => done?.(), (error) => done?.(error));
  }

  override destroy(sid: string, done?: (error?: unknown) => void): void {
    this.client.del(this.prefix + sid).then(() => done?.(), (error) => done?.(error));
  }
}

describe.skipIf(!available)('session keys in the Cache panel', () => {
  const prefix = testPrefix('sessions');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let client: ReturnType<typeof redis.createClient>;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    admin = await adminClient(prefix);
    client = redis.createClient({ url: REDIS_URL });
    await client.connect();
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { redis } }));
    const visits = (store: session.Store, name: string) => session({ store, name, secret: 'test secret', resave: false, saveUninitialized: false });
    // The default layout (`sess:<sid>`), and a prefix with no word of a session in it.
    app.use('/default', visits(new RedisLayoutStore(client, `${prefix}sess:`), 'default.sid'));
    app.use('/custom', visits(new RedisLayoutStore(client, `${prefix}myapp:`), 'custom.sid'));
    const count = (req: express.Request, res: express.Response) => {
      const data = req.session as unknown as { visits?: number };
      data.visits = (data.visits ?? 0) + 1;
      res.json({ visits: data.visits, id: req.sessionID });
    };
    app.get('/default/visit', count);
    app.get('/custom/visit', count);
    ({ url: base, close } = await listen(app));
  });
  afterAll(async () => {
    await close();
    await client.close();
    await admin.cleanup();
  });

  async function twoVisits(path: string) {
    const first = await fetch(base + path);
    const { id } = await first.json() as { id: string };
    const cookie = first.headers.get('set-cookie')!.split(';')[0];
    // The second visit loads the session saved by the first: GET, then SET (changed).
    const response = await fetch(base + path, { headers: { cookie } });
    const requestId = response.headers.get('x-debug-toolbar-id')!;
    expect(await response.json()).toEqual({ visits: 2, id });
    const detail = await waitForRecord(base, requestId);
    return { id, cache: detail.panels.cache as CacheDetail };
  }

  // Failed before: `sess` is no secret's name, so the key showed the session id, which is the
  // user's login for as long as the session lives.
  it('shows connect-redis\'s `sess:<sid>` keys as `sess:[redacted]`', async () => {
    const { id, cache } = await twoVisits('/default/visit');
    expect(cache.commands.map((c) => [c.command, c.key])).toEqual([['GET', `${prefix}sess:[redacted]`], ['SET', `${prefix}sess:[redacted]`]]);
    expect(JSON.stringify(cache)).not.toContain(id);
  });

  it('hides the request\'s session id under any prefix', async () => {
    const { id, cache } = await twoVisits('/custom/visit');
    expect(cache.commands.map((c) => [c.command, c.key])).toEqual([['GET', `${prefix}myapp:[redacted]`], ['SET', `${prefix}myapp:[redacted]`]]);
    expect(JSON.stringify(cache)).not.toContain(id);
  });
});
