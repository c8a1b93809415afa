import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedOptions } from '../options.js';
import type { ApiError, RequestListResponse } from '../types.js';
import { toDetail, toSummary } from '../request/request-detail.js';
import { redirectSources } from '../request/redirects.js';
import { createAssetReader } from './static-assets.js';
import { redirectToSlash, serveStandalonePage } from './standalone-page.js';
import { openEventStream, type LiveEvents } from './live-events.js';
import { warnOnce } from '../log.js';
import type { Store } from '../store/store.js';
import { backgroundStore } from '../units/background.js';
import { panelRoute } from '../panels/lifecycle.js';

/** Request ids are made by the toolbar: anything else cannot name a record. */
const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

function sendError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error } satisfies ApiError);
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** A store that failed (Redis away, a custom store's bug) is the store's outage, not a toolbar crash: 503. */
class StoreUnavailable extends Error {}

async function fromStore<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new StoreUnavailable(error instanceof Error ? error.message : String(error));
  }
}

/** What `GET /api/requests?kind=` filters by; without it, every kind but `background`. */
const KINDS = new Set(['request', 'task', 'socket', 'background']);

/**
 * The toolbar's own HTTP API and assets under `mountPath`. The caller has already checked that the
 * request is allowed and under the mount path; nothing here is ever recorded.
 */
export function createRoutes(options: ResolvedOptions, events: LiveEvents) {
  const readAsset = createAssetReader();
  const { mountPath } = options;
  // Background entries are kept apart (units/background.ts), but read like any other record.
  const store: Store = {
    add: (request) => options.store.add(request),
    list: () => options.store.list(),
    get: async (id) => (await options.store.get(id)) ?? backgroundStore.get(id),
  };

  async function serveApi(res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    if (path === '/api/requests') {
      const after = query.get('after');
      if (after !== null && !REQUEST_ID.test(after)) {
        return sendError(res, 400, `\`after\` must be a request id, got ${JSON.stringify(after)}`);
      }
      const kind = query.get('kind');
      if (kind !== null && !KINDS.has(kind)) {
        return sendError(res, 400, `\`kind\` must be one of ${[...KINDS].join(', ')}, got ${JSON.stringify(kind)}`);
      }
      const history = kind === 'background' ? await backgroundStore.list() : await fromStore(() => store.list());
      const from = redirectSources(history);
      let requests = kind === null || kind === 'background' ? history : history.filter((request) => (request.kind ?? 'request') === kind);
      // Polling: only what was stored since the newest request the client has. An id the store no
      // longer has (evicted, or from before a restart) means the client missed some: send them all.
      const seen = after === null ? -1 : requests.findIndex((request) => request.id === after);
      if (seen >= 0) requests = requests.slice(0, seen);
      // The background stream has a ring of its own (a memoryStore, so it says its capacity too).
      const kept = (kind === 'background' ? backgroundStore : options.store) as Partial<Store>;
      const capacity = Number.isInteger(kept.capacity) && (kept.capacity as number) > 0 ? kept.capacity : undefined;
      sendJson(res, 200, { requests: requests.map((request) => toSummary(request, options, from)), capacity } satisfies RequestListResponse);
      return;
    }
    if (path === '/api/events') {
      if (!openEventStream(res, events)) sendError(res, 503, 'too many live event streams are open; close a toolbar tab or poll /api/requests?after=<id>');
      return;
    }
    const match = /^\/api\/requests\/([^/]*)$/.exec(path);
    if (match) {
      const id = decodeSegment(match[1]);
      const request = id !== null && REQUEST_ID.test(id) ? await fromStore(() => store.get(id)) : undefined;
      if (!request) return sendError(res, 404, `no recorded request with id ${JSON.stringify(id ?? match[1])}`);
      return sendJson(res, 200, toDetail(request, options, redirectSources(await fromStore(() => store.list()))));
    }
    sendError(res, 404, `unknown toolbar endpoint ${path}`);
  }

  function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): void {
    const asset = readAsset(name);
    if (!asset) return sendError(res, 404, `no toolbar asset ${JSON.stringify(name)}`);
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('ETag', asset.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (req.headers['if-none-match'] === asset.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Length', asset.body.length);
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  return async function toolbarRoutes(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = (queryAt < 0 ? url : url.slice(0, queryAt)).slice(mountPath.length);
    const path = rawPath || '/';
    // A panel's own routes check their methods (EXPLAIN is a POST) and their input themselves.
    const ownRoute = panelRoute(path);
    if (ownRoute) {
      try {
        return await ownRoute({
          req, res, query: new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1)), settings: options,
          sendJson: (status, body) => sendJson(res, status, body),
          getRequest: async (id) => (REQUEST_ID.test(id) ? fromStore(() => store.get(id)) : undefined),
          store: { add: store.add, get: (id) => fromStore(() => store.get(id)), list: () => fromStore(() => store.list()) },
          detailOf: (record) => toDetail(record, options),
        });
      } catch (error) {
        if (!(error instanceof StoreUnavailable)) throw error;
        warnOnce('store-read', 'the request store failed to answer:', error);
        return sendError(res, 503, `the request store failed to answer: ${error.message}`);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, `${req.method} is not allowed on ${mountPath}${path}`);
    }
    if (rawPath === '') return redirectToSlash(res, mountPath, queryAt < 0 ? '' : url.slice(queryAt));
    if (path === '/') return serveStandalonePage(res, mountPath, req.method === 'HEAD');
    if (path.startsWith('/static/')) return serveAsset(req, res, path.slice('/static/'.length));
    // A HEAD would hold a stream open with nothing ever to send.
    if (path === '/api/events' && req.method === 'HEAD') return sendError(res, 405, 'use GET for /api/events');
    if (path.startsWith('/api/')) {
      try {
        return await serveApi(res, path, new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1)));
      } catch (error) {
        if (!(error instanceof StoreUnavailable)) throw error;
        warnOnce('store-read', 'the request store failed to answer:', error);
        return sendError(res, 503, `the request store failed to answer: ${error.message}`);
      }
    }
    sendError(res, 404, `unknown toolbar path ${path}`);
  };
}
