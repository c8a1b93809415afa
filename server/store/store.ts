import type { StoredRequest } from '../request/record.js';

/**
 * Where finished requests are kept. Methods may answer synchronously or with a promise, so a
 * remote store (Redis) fits the same contract as the in-memory ring buffer.
 */
export interface Store {
  /** Keeps a finished request, evicting the oldest past the store's capacity. */
  add(request: StoredRequest): void | Promise<void>;
  /**
   * Replaces a kept request with its final version (work that ran after the response); does
   * nothing when it was evicted. Optional: without it a store keeps the record as of the response.
   */
  update?(request: StoredRequest): void | Promise<void>;
  /** One request by id, or undefined when unknown or evicted. */
  get(id: string): StoredRequest | undefined | Promise<StoredRequest | undefined>;
  /** The kept requests, newest first. */
  list(): StoredRequest[] | Promise<StoredRequest[]>;
  /** How many requests it keeps at most, when it has a fixed number: the History tab keeps no more. */
  readonly capacity?: number;
}
