import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import * as redis from 'redis';
import { debugToolbar } from '../../server/index.js';
import type { CacheDetail } from '../../server/panels/cache/types.js';
import type { LogsDetail } from '../../server/panels/logs/types.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../fixtures/cluster/redis.js';
import { listen, waitForRecord, waitForSettled } from '../support/http.js';

/**
 * Lines logged and cache commands sent after the response, in the request's async context, before
 * its record settles (`afterResponseMs`), as queries are: kept and marked `afterResponse`. They
 * were dropped once the response had finished.
 */
const available = await redisAvailable();
const GRACE_MS = 400;

describe.skipIf(!available)('work after the response in the Logs and Cache panels', () => {
  const prefix = testPrefix('after-response');
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let client: ReturnType<typeof redis.createClient>;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    admin = await adminClient(prefix);
    client = redis.createClient({ url: REDIS_URL });
    await client.connect();
    const app = express();
    app.use(debugToolbar({ enabled: true, instrument: { redis }, afterResponseMs: GRACE_MS }));
    app.get('/visit', async (_req, res) => {
      console.log('serving');
      res.json({ ok: true });
      // After res.json(): the response is out, the request's work goes on.
      console.log('counting the visit');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.incr(`${prefix}visits`);
      console.log('visit counted');
    });
    app.get('/too-late', (_req, res) => {
      res.json({ ok: true });
      setTimeout(() => console.log('past the grace period'), GRACE_MS + 300).unref();
    });
    ({ url: base, close } = await listen(app));
  });
  afterAll(async () => {
    await close();
    await client.close();
    await admin.cleanup();
    vi.restoreAllMocks();
  });

  // Failed before: only 'serving' and 'counting the visit' (logged before 'finish') were kept,
  // unmarked, and the INCR was not recorded.
  it('keeps the lines and commands of the request\'s work after the response, marked', async () => {
    const response = await fetch(`${base}/visit`);
    await response.text();
    const id = response.headers.get('x-debug-toolbar-id')!;
    const detail = await waitForSettled(base, id, (d) => ((d.panels.logs as LogsDetail | undefined)?.entries.length ?? 0) >= 3);
    const logs = detail.panels.logs as LogsDetail;
    expect(logs.entries.map((e) => [e.message, e.afterResponse ?? false])).toEqual([
      ['serving', false], ['counting the visit', true], ['visit counted', true],
    ]);
    const cache = detail.panels.cache as CacheDetail;
    expect(cache.commands.map((c) => [c.command, c.key, c.afterResponse])).toEqual([['INCR', `${prefix}visits`, true]]);
    expect(cache.commands[0].durationMs).not.toBeNull();
  });

  it('keeps nothing logged past the grace period', async () => {
    const response = await fetch(`${base}/too-late`);
    await response.text();
    const id = response.headers.get('x-debug-toolbar-id')!;
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 500));
    const detail = await waitForRecord(base, id);
    expect(detail.panels.logs).toBeUndefined();
  });
});
