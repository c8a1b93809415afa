import type { StoredRequest } from '../request/record.js';
import type { Store } from './store.js';

export interface MemoryStoreOptions {
  /** Requests kept; the oldest is evicted past it. Default 100. */
  capacity?: number;
}

/**
 * An in-memory ring buffer: O(1) insert and lookup, the oldest request evicted past `capacity`.
 *
 * @example
 * app.use(debugToolbar({ store: memoryStore({ capacity: 500 }) }));
 */
export function memoryStore({ capacity = 100 }: MemoryStoreOptions = {}): Store {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new TypeError(`express-debug-toolbar: memoryStore capacity must be a positive integer, got ${capacity}`);
  }
  const slots: (StoredRequest | undefined)[] = new Array(capacity);
  const byId = new Map<string, StoredRequest>();
  const slotOf = new Map<string, number>();
  let next = 0;

  return {
    capacity,
    add(request) {
      const evicted = slots[next];
      if (evicted) {
        byId.delete(evicted.id);
        slotOf.delete(evicted.id);
      }
      slots[next] = request;
      byId.set(request.id, request);
      slotOf.set(request.id, next);
      next = (next + 1) % capacity;
    },
    update(request) {
      const slot = slotOf.get(request.id);
      if (slot === undefined) return;
      slots[slot] = request;
      byId.set(request.id, request);
    },
    get(id) {
      return byId.get(id);
    },
    list() {
      const newestFirst: StoredRequest[] = [];
      for (let i = 1; i <= capacity; i++) {
        const request = slots[(next - i + capacity) % capacity];
        if (request) newestFirst.push(request);
      }
      return newestFirst;
    },
  };
}
