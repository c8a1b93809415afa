import { Router } from 'express';
import * as redis from 'redis';

/*
 * The demo's Redis page: a "who viewed what" sidebar that reads one counter per post with a GET in
 * a loop, the N+1 of Redis the Cache panel finds. It needs a Redis at REDIS_URL; without one the
 * page says how to start it, and the rest of the demo works as before. No mock stands in for Redis.
 */

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTS = 12;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A client that tries once, at start-up, and stays quiet when nothing answers. */
export function demoRedisClient() {
  const client = redis.createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  const ready = client.connect()
    .then(async () => {
      for (let id = 1; id <= POSTS; id++) await client.set(`demo:views:post:${id}`, String(10 * id), { NX: true });
      return true;
    })
    .catch(() => false);
  return { client, ready };
}

export function cacheRoutes({ client, ready }: ReturnType<typeof demoRedisClient>): Router {
  const router = Router();
  router.get('/cache', async (_req, res) => {
    if (!(await ready) || !client.isReady) {
      res.status(503).send(`<!doctype html><html><head><title>Cache demo</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head><body>
<h1>Cache demo</h1>
<p>No Redis answered at <code>${escapeHtml(REDIS_URL)}</code>. Start one, then restart the demo:</p>
<pre>docker run --rm -p 6379:6379 redis:7    # or: redis-server</pre>
<p>Set <code>REDIS_URL</code> to use another server. The rest of the demo works without it.</p>
</body></html>`);
      return;
    }
    const views: string[] = [];
    // One GET per post: the Cache panel reports it as an N+1 and suggests client.mGet(keys).
    for (let id = 1; id <= POSTS; id++) views.push((await client.get(`demo:views:post:${id}`)) ?? '0');
    const items = views.map((count, i) => `<li class="views">Post ${i + 1}: ${escapeHtml(count)} views</li>`).join('\n');
    res.send(`<!doctype html><html><head><title>Cache demo</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head><body>
<h1>Views per post, from Redis</h1>
<ul>${items}</ul>
</body></html>`);
  });
  return router;
}
