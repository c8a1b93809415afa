import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactNamedValues, redactValue, type ValueBounds } from '../../security/redact-value.js';
import { REDACTED } from '../../security/redact.js';
import type { PanelRedaction } from '../panel.js';
import type { RecordedBody, RequestData } from './types.js';

/** Bodies larger than this (by Content-Length) are not kept: their size is. */
export const MAX_BODY_BYTES = 64 * 1024;
const BODY_BOUNDS: ValueBounds = { maxString: 1000, maxEntries: 100, maxDepth: 6 };

/** The request panel's state while a request runs: the object the app answered with, if any. */
export interface RequestState {
  /** The JSON text `res.json` sent. */
  responseJson?: string;
  /** The last route the router dispatched to, as it was then. */
  route?: { path: string; params: Record<string, unknown> };
  /** What the router last set `req.route` to, as reading it gives it back. */
  assigned?: unknown;
  /** The URL when the request started, as the record's own URL was read from it then. */
  startUrl: string;
}

type ExpressRequest = IncomingMessage & {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
  body?: unknown;
  session?: Record<string, unknown>;
};

/** Where a request's {@link RequestState} is kept, for the shared `req.route` accessor. */
const STATE = Symbol('express-debug-toolbar.request-state');
type TrackedRequest = ExpressRequest & { [STATE]?: RequestState };

/**
 * `req.route`, one getter and setter for every request, the value in the request's state: an
 * accessor of closures made per request would give every `req` a hidden class of its own, and
 * every function that reads it (the router's, the app's) would go polymorphic.
 */
const ROUTE_ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get: function readRoute(this: TrackedRequest) {
    return this[STATE]?.assigned;
  },
  set: function recordRoute(this: TrackedRequest, value: unknown) {
    const state = this[STATE];
    if (!state) return;
    state.assigned = value;
    const path = (value as { path?: unknown } | undefined)?.path;
    if (typeof path === 'string') state.route = { path: `${this.baseUrl ?? ''}${path}`, params: { ...this.params } };
  },
};

/**
 * Catches the JSON text `res.json` sends (`res.send(object)` goes through it too): exactly what the
 * client got, with the app's `toJSON`s applied and nothing changed after, at no cost but a
 * reference. And the route that answers, with its mount path and params, as Express's router sets
 * `req.route`: after an error or once the router unwinds, `baseUrl` and `params` are reset.
 */
export function startRequestData(req: IncomingMessage, res: ServerResponse): RequestState {
  // Every field from the start: one shape for every request's state.
  const state: RequestState = {
    responseJson: undefined, route: undefined, assigned: undefined, startUrl: (req as ExpressRequest).originalUrl ?? req.url ?? '/',
  };
  const json = (res as ServerResponse & { json?: unknown }).json;
  if (typeof json === 'function') {
    (res as ServerResponse & { json: unknown }).json = function jsonRecorded(this: { send: (...a: unknown[]) => unknown }, ...args: unknown[]) {
      const send = this.send;
      this.send = function sendRecorded(this: { send: unknown }, body: unknown, ...rest: unknown[]) {
        this.send = send;
        if (typeof body === 'string') state.responseJson = body;
        return send.call(this, body, ...rest);
      };
      try {
        return (json as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        // res.json threw before sending (a BigInt, a cycle): the error handler's send is not JSON.
        if (this.send !== send) this.send = send;
      }
    };
  }
  // Not enumerable: `console.log(req)`, `{ ...req }` and Object.assign would show or copy the
  // response JSON and the raw URL it holds (the review of #17).
  Object.defineProperty(req, STATE, { value: state, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(req, 'route', ROUTE_ACCESSOR);
  return state;
}

function sizeOf(header: unknown): number | null {
  const size = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(size) && size >= 0 ? size : null;
}

function recordBody(value: unknown, bytes: number | null, redaction: PanelRedaction): RecordedBody {
  if (bytes !== null && bytes > MAX_BODY_BYTES) {
    return { omitted: `${Math.round(bytes / 1024)} KB, over the ${MAX_BODY_BYTES / 1024} KB the toolbar keeps` };
  }
  // A body parsed as text (`express.text()`): a form or JSON inside it has names too.
  if (typeof value === 'string') {
    return { value: redaction.scrubText(redactNamedValues(formAsPairs(value, redaction.isSecretName), redaction.isSecretName)).slice(0, BODY_BOUNDS.maxString * 10) };
  }
  return { value: redactValue(value, redaction.isSecretName, BODY_BOUNDS, redaction.scrubText) };
}

/** `user=ada&password=x` with the secrets' values hidden; any other text as it is. */
function formAsPairs(text: string, isSecret: (name: string) => boolean): string {
  if (!/^[\w.%+-]+=[^&]*(&[\w.%+-]+=[^&]*)*$/.test(text)) return text;
  return text.split('&').map((pair) => {
    const at = pair.indexOf('=');
    let name = pair.slice(0, at);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: the name as sent.
    }
    return isSecret(name) ? `${pair.slice(0, at)}=${REDACTED}` : pair;
  }).join('&');
}

function recordJson(text: string, redaction: PanelRedaction): RecordedBody {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BODY_BYTES) return recordBody(undefined, bytes, redaction);
  try {
    return recordBody(JSON.parse(text), bytes, redaction);
  } catch {
    return { omitted: 'not JSON the toolbar could read' };
  }
}

/** The URL as the record stores it: secrets by name and by path rule, then the request's secret values. */
const storedUrl = (url: string, redaction: PanelRedaction): string => redaction.scrubText(redaction.redactUrl(url));

/** The query of the URL as stored (already redacted), so the two always agree. */
function queryOf(stored: string): Record<string, string | string[]> {
  // No prototype: `?constructor=x&__proto__=y` are names like any other.
  const query: Record<string, string | string[]> = Object.create(null);
  if (!stored.includes('?')) return query;
  for (const [name, value] of new URLSearchParams(stored.slice(stored.indexOf('?') + 1))) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

/**
 * Route params redacted as the URL they came from is: by name, by the request's secret values,
 * and where the stored URL hid the segment (`/reset/:code`, a token-like segment).
 */
function routeParams(params: Record<string, unknown>, url: string, stored: string, redaction: PanelRedaction): Record<string, unknown> {
  const storedPath = stored.split('?')[0];
  const path = url.split('?')[0];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    // As the path has it: encoded or raw (`/reset/Zk9x==`, `/invite/a@b:c`).
    const forms = typeof value === 'string' && value !== '' ? [value, encodeURIComponent(value), encodeURI(value)] : [];
    const hiddenInUrl = forms.some((form) => path.includes(form)) && !forms.some((form) => storedPath.includes(form));
    out[name] = hiddenInUrl || redaction.isSecretName(name) ? REDACTED : redactValue(value, redaction.isSecretName, BODY_BOUNDS, redaction.scrubText);
  }
  return out;
}

function cookieNames(header: string | undefined): string[] {
  if (!header) return [];
  const names = header.split(';').map((pair) => pair.split('=')[0].trim()).filter(Boolean);
  return [...new Set(names)];
}

/** A URL already redacted (the record's own, at the request's start) and the rules it went through. */
export interface RedactedUrl {
  raw: string;
  redacted: string;
  redactUrl: (url: string) => string;
}

/** What is stored once the response is out. */
export function finishRequestData(state: RequestState, req: IncomingMessage, redaction: PanelRedaction, redactedUrl?: RedactedUrl): RequestData {
  const request = req as ExpressRequest;
  const url = request.originalUrl ?? req.url ?? '/';
  // Redacted once: the query and the params are read against it. The record's own URL is the same
  // URL through the same rules, as a rule: not redacted twice then.
  const stored = redactedUrl && redactedUrl.raw === url && redactedUrl.redactUrl === redaction.redactUrl
    ? redaction.scrubText(redactedUrl.redacted)
    : storedUrl(url, redaction);
  const data: RequestData = {
    // The mount path is the path as requested (`app.use('/t/:token', router)` puts the token in it).
    route: state.route ? storedUrl(state.route.path, redaction) : null,
    params: routeParams(state.route?.params ?? {}, url, stored, redaction),
    query: queryOf(stored),
    cookies: cookieNames(req.headers.cookie),
    session: request.session && typeof request.session === 'object'
      ? Object.keys(request.session).filter((key) => key !== 'cookie') : null,
  };
  // Body parsers leave `{}` when there was no body of their type: only a body that was sent counts.
  const body = request.body;
  const sent = sizeOf(req.headers['content-length']) ?? (req.headers['transfer-encoding'] ? null : 0);
  if (body !== undefined && sent !== 0 && (typeof body === 'object' || typeof body === 'string')) {
    data.body = recordBody(body, sent, redaction);
  }
  if (state.responseJson !== undefined) data.responseBody = recordJson(state.responseJson, redaction);
  return data;
}
