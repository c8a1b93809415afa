import { describe, expect, it, vi } from 'vitest';
import { redisStore } from '../../server/index.js';

vi.mock('redis', () => {
  throw Object.assign(new Error("Cannot find package 'redis'"), { code: 'ERR_MODULE_NOT_FOUND' });
});

describe('redisStore without the redis package', () => {
  it('says to install it, once, and never throws into the app', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = redisStore({ url: 'redis://127.0.0.1:6379' });
    await expect(store.add({
      id: 'x', method: 'GET', url: '/', status: 200, startedAt: 0, durationMs: 1, contentType: null, queries: [], queryCount: 0,
    })).resolves.toBeUndefined();
    await expect(store.list()).resolves.toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][1])).toMatch(/npm install redis/);
    warn.mockRestore();
  });
});
