import type { StoredRequest } from '../request/record.js';
import type { Store } from './store.js';
import { runInternal } from '../request/context.js';

/**
 * The few commands the store runs, as both `redis` v4 and v5 clients name them. Kept structural so
 * the published types do not import `redis`, an optional peer dependency.
 */
export interface RedisStoreClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  get(key: string): Promise<string | null | unknown>;
  mGet(keys: string[]): Promise<(string | null | unknown)[]>;
  lRange(key: string, start: number, stop: number): Promise<unknown[]>;
  del(keys: string[]): Promise<unknown>;
  set(key: string, value: string, options: { XX?: boolean; EX?: number }): Promise<unknown>;
  multi(): any;
  on(event: 'error' | 'ready', listener: (...args: any[]) => void): unknown;
}

export interface RedisStoreOptions {
  /** The server, e.g. `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string;
  /** Requests kept; the oldest is evicted past it. Default 100. */
  capacity?: number;
  /** Seconds a request outlives its last write. Default 3600. */
  ttlSeconds?: number;
  /** Prepended to every key, so apps can share one Redis. Default `edt:`. */
  keyPrefix?: string;
  /**
   * A client of your own (from `createClient()` of `redis` v4 or v5). The store connects it if
   * needed but never closes it: it is yours.
   */
  client?: RedisStoreClient;
}

/** A store in Redis, shared by every process pointed at it. */
export interface RedisStore extends Store {
  add(request: StoredRequest): Promise<void>;
  update(request: StoredRequest): Promise<void>;
  get(id: string): Promise<StoredRequest | undefined>;
  list(): Promise<StoredRequest[]>;
  /** Closes the client the store created (not one passed as `client`). For tests and shutdown. */
  close(): Promise<void>;
}

/** A command slower than this is abandoned: the request it serves must not wait on Redis. */
const COMMAND_TIMEOUT_MS = 1000;
/** How long a first use waits for the connection before failing fast. */
const CONNECT_TIMEOUT_MS = 1000;
/** Reconnection attempts before the client is dropped; the next use after a pause makes a new one. */
const MAX_RETRIES = 6;
const MAX_RETRY_DELAY_MS = 3000;
const RECREATE_AFTER_MS = 5000;

function fail(message: string): never {
  throw new TypeError(`express-debug-toolbar: redisStore ${message}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** Resolves after `ms` without keeping the process alive. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer ${what} within ${ms} ms`)), ms).unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Backoff capped at a few seconds, given up after a few tries so a dead server leaves no timers. */
export function reconnectDelay(retries: number): number | Error {
  if (retries >= MAX_RETRIES) return new Error(`gave up reconnecting to Redis after ${retries} attempts`);
  return Math.min(100 * 2 ** retries, MAX_RETRY_DELAY_MS) + Math.floor(Math.random() * 100);
}

async function loadRedis(): Promise<{ createClient: (options: object) => unknown }> {
  try {
    return (await import('redis')) as unknown as { createClient: (options: object) => unknown };
  } catch (error) {
    // Loaders and test runners may wrap the resolution error: look at its cause too.
    const codes = [error, (error as { cause?: unknown })?.cause].map((e) => (e as { code?: string } | undefined)?.code);
    if (codes.some((code) => code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')) {
      throw new Error('express-debug-toolbar: redisStore needs the `redis` package; run `npm install redis`');
    }
    throw error;
  }
}

function parse(json: unknown): StoredRequest | undefined {
  if (typeof json !== 'string') return undefined;
  try {
    return JSON.parse(json) as StoredRequest;
  } catch {
    return undefined;
  }
}

/**
 * Requests kept in Redis, so several workers (`node:cluster`, a process manager, containers) share
 * one toolbar: a request served by one worker can be read through any other. Same ring buffer as
 * {@link memoryStore}: the newest `capacity` requests, newest first. Redis being away never reaches
 * the app: writes are dropped and reads answer nothing, with one warning.
 *
 * Needs the `redis` package (`npm install redis`), loaded on first use.
 *
 * @example
 * app.use(debugToolbar({ store: redisStore({ url: 'redis://127.0.0.1:6379' }) }));
 */
export function redisStore({
  url, capacity = 100, ttlSeconds = 3600, keyPrefix = 'edt:', client: ownClient,
}: RedisStoreOptions = {}): RedisStore {
  positiveInteger('capacity', capacity);
  positiveInteger('ttlSeconds', ttlSeconds);
  if (typeof keyPrefix !== 'string') fail(`keyPrefix must be a string, got ${typeof keyPrefix}`);
  if (ownClient === undefined && typeof url !== 'string') fail('needs a `url` like "redis://127.0.0.1:6379" or a `client`');
  const idsKey = `${keyPrefix}ids`;
  const requestKey = (id: string) => `${keyPrefix}req:${id}`;

  let warned = false;
  const warn = (message: string, error?: unknown) => {
    if (warned) return;
    warned = true;
    console.warn(`[express-debug-toolbar] redisStore: ${message}`, ...(error === undefined ? [] : [error]));
  };

  interface Connection { client: RedisStoreClient; settled: Promise<void>; dead: boolean; diedAt: number }
  /** The client being opened or in use: one per store, even when the first uses come together. */
  let opening: Promise<Connection> | undefined;
  let closed = false;

  /** Resolves once the first connection is ready, has failed once, or took too long. */
  function watch(client: RedisStoreClient, connecting: Promise<unknown> | undefined): Promise<void> {
    // Without an 'error' listener the client's errors would crash the app.
    return new Promise<void>((resolve) => {
      client.on('error', (error: unknown) => {
        warn('Redis is unreachable; requests are not stored until it is back:', error);
        resolve();
      });
      client.on('ready', () => {
        warned = false;
        resolve();
      });
      if (connecting === undefined || client.isReady) resolve();
      void connecting?.catch(() => resolve());
      void pause(CONNECT_TIMEOUT_MS).then(resolve);
    });
  }

  async function open(): Promise<Connection> {
    let client: RedisStoreClient;
    if (ownClient) {
      client = ownClient;
    } else {
      const { createClient } = await loadRedis();
      const created = createClient({
        url,
        // Commands sent while disconnected fail at once instead of queueing behind a dead socket.
        disableOfflineQueue: true,
        socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: reconnectDelay },
      }) as RedisStoreClient & { unref(): void };
      created.unref();
      client = created;
    }
    const connecting = client.isOpen ? undefined : client.connect();
    const connection: Connection = { client, settled: watch(client, connecting), dead: false, diedAt: 0 };
    connecting?.catch(() => {
      // Retries exhausted: the client is closed; a use after a pause opens a new one.
      connection.dead = true;
      connection.diedAt = Date.now();
    });
    return connection;
  }

  async function connect(): Promise<RedisStoreClient> {
    if (closed) throw new Error('the store is closed');
    const pending = opening ??= open().catch((error) => {
      opening = undefined;
      throw error;
    });
    const connection = await pending;
    if (!connection.dead && !connection.client.isOpen && connection.client !== ownClient) {
      // It gave up reconnecting after an outage.
      connection.dead = true;
      connection.diedAt = Date.now();
    }
    if (connection.dead) {
      if (Date.now() - connection.diedAt < RECREATE_AFTER_MS) throw new Error('Redis is unreachable');
      if (opening === pending) opening = undefined;
      return connect();
    }
    await connection.settled;
    return connection.client;
  }

  async function run<T>(what: string, command: (client: RedisStoreClient) => Promise<T>): Promise<T> {
    const client = await connect();
    // The toolbar's own commands: never in the Cache panel of a request or of the background.
    return withTimeout(runInternal(() => command(client)), COMMAND_TIMEOUT_MS, what);
  }

  return {
    capacity,
    async add(request) {
      try {
        const json = JSON.stringify(request);
        const replies = await run('add', (client) => client.multi()
          .set(requestKey(request.id), json, { EX: ttlSeconds })
          .lPush(idsKey, request.id)
          .lRange(idsKey, capacity, -1)
          .lTrim(idsKey, 0, capacity - 1)
          .expire(idsKey, ttlSeconds)
          .exec() as Promise<unknown[]>);
        const evicted = (replies[2] as unknown[] | undefined ?? []).map(String);
        if (evicted.length > 0) await run('add', (client) => client.del(evicted.map(requestKey)));
      } catch (error) {
        warn('could not store a request:', error);
      }
    },
    async update(request) {
      try {
        // XX: only a record still kept; an evicted one stays gone.
        await run('update', (client) => client.set(requestKey(request.id), JSON.stringify(request), { XX: true, EX: ttlSeconds }));
      } catch (error) {
        warn('could not update a request:', error);
      }
    },
    async get(id) {
      try {
        return parse(await run('get', (client) => client.get(requestKey(id))));
      } catch (error) {
        warn('could not read a request:', error);
        return undefined;
      }
    },
    async list() {
      try {
        const ids = (await run('list', (client) => client.lRange(idsKey, 0, capacity - 1))).map(String);
        if (ids.length === 0) return [];
        const values = await run('list', (client) => client.mGet(ids.map(requestKey)));
        return values.map(parse).filter((request): request is StoredRequest => request !== undefined);
      } catch (error) {
        warn('could not list requests:', error);
        return [];
      }
    },
    async close() {
      closed = true;
      const entry = await opening?.catch(() => undefined);
      opening = undefined;
      if (!entry || entry.client === ownClient) return;
      const client = entry.client as RedisStoreClient & {
        close?(): Promise<unknown>; quit?(): Promise<unknown>; destroy?(): void; disconnect?(): Promise<void>;
      };
      try {
        // v5 names them close()/destroy(), v4 quit()/disconnect().
        const quit = client.close ?? client.quit;
        if (client.isReady && quit) await withTimeout(quit.call(client), COMMAND_TIMEOUT_MS, 'close');
        else if (client.isOpen) await (client.destroy ? client.destroy() : client.disconnect?.());
      } catch {
        // Already closed, or the graceful close timed out: drop the socket.
        if (client.isOpen) await Promise.resolve(client.destroy ? client.destroy() : client.disconnect?.()).catch(() => undefined);
      }
    },
  };
}
