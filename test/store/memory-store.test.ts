import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../server/index.js';
import type { StoredRequest } from '../../server/request/record.js';

const request = (id: string): StoredRequest => ({
  id, method: 'GET', url: `/${id}`, status: 200, startedAt: 0, durationMs: 1, contentType: null, queries: [], queryCount: 0,
});

describe('memoryStore', () => {
  it('lists newest first and evicts the oldest past capacity', () => {
    const store = memoryStore({ capacity: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.add(request(id));
    expect((store.list() as StoredRequest[]).map((r) => r.id)).toEqual(['e', 'd', 'c']);
    expect(store.get('b')).toBeUndefined();
    expect((store.get('c') as StoredRequest).url).toBe('/c');
  });

  it('holds fewer than capacity without gaps', () => {
    const store = memoryStore({ capacity: 5 });
    store.add(request('x'));
    store.add(request('y'));
    expect((store.list() as StoredRequest[]).map((r) => r.id)).toEqual(['y', 'x']);
  });

  it('keeps memory bounded over many inserts', () => {
    const store = memoryStore({ capacity: 10 });
    for (let i = 0; i < 10_000; i++) store.add(request(String(i)));
    expect(store.list()).toHaveLength(10);
    expect(store.get('9990')).toBeDefined();
    expect(store.get('9989')).toBeUndefined();
  });

  it('update() replaces a kept request in place and ignores an evicted one', () => {
    const store = memoryStore({ capacity: 2 });
    for (const id of ['a', 'b', 'c']) store.add(request(id));
    store.update!({ ...request('b'), url: '/b-final' });
    store.update!({ ...request('a'), url: '/a-final' });
    expect((store.list() as StoredRequest[]).map((r) => [r.id, r.url])).toEqual([['c', '/c'], ['b', '/b-final']]);
    expect(store.get('a')).toBeUndefined();
  });

  it('rejects a bad capacity', () => {
    expect(() => memoryStore({ capacity: 0 })).toThrow(/positive integer/);
  });
});
