import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactValue, type ValueBounds } from '../../security/redact-value.js';
import type { PanelRedaction } from '../panel.js';
import type { RecordedBody, RequestData } from './types.js';

/** Bodies larger than this (by Content-Length) are not kept: their size is. */
export const MAX_BODY_BYTES = 64 * 1024;
const BODY_BOUNDS: ValueBounds = { maxString: 1000, maxEntries: 100, maxDepth: 6 };

/** The request panel's state while a request runs: the object the app answered with, if any. */
export interface RequestState {
  responseBody?: { value: unknown };
}

type ExpressRequest = IncomingMessage & {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
  body?: unknown;
  session?: Record<string, unknown>;
};

/** Catches the object given to `res.json` (which `res.send(object)` calls too), by reference, for `finish`. */
export function startRequestData(res: ServerResponse): RequestState {
  const state: RequestState = {};
  const json = (res as ServerResponse & { json?: unknown }).json;
  if (typeof json !== 'function') return state;
  (res as ServerResponse & { json: unknown }).json = function jsonRecorded(this: unknown, ...args: unknown[]) {
    // Express 4 still takes res.json(status, body).
    state.responseBody = { value: args.length > 1 && typeof args[0] === 'number' ? args[1] : args[0] };
    return (json as (...a: unknown[]) => unknown).apply(this, args);
  };
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
  const copy = redactValue(value, redaction.isSecretName, BODY_BOUNDS);
  return { value: typeof copy === 'string' ? redaction.scrubText(copy) : copy };
}

function queryOf(url: string, redaction: PanelRedaction): Record<string, string | string[]> {
  const at = url.indexOf('?');
  const query: Record<string, string | string[]> = {};
  if (at < 0) return query;
  // From the URL as stored (already redacted by the `redactNames` rules), so the two always agree.
  for (const [name, value] of new URLSearchParams(redaction.redactUrl(url).slice(redaction.redactUrl(url).indexOf('?') + 1))) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

function cookieNames(header: string | undefined): string[] {
  if (!header) return [];
  const names = header.split(';').map((pair) => pair.split('=')[0].trim()).filter(Boolean);
  return [...new Set(names)];
}

/** What is stored once the response is out. */
export function finishRequestData(state: RequestState, req: IncomingMessage, res: ServerResponse, redaction: PanelRedaction): RequestData {
  const request = req as ExpressRequest;
  const routePath = request.route?.path;
  const data: RequestData = {
    route: typeof routePath === 'string' ? `${request.baseUrl ?? ''}${routePath}` : null,
    params: (redactValue(request.params ?? {}, redaction.isSecretName) ?? {}) as Record<string, unknown>,
    query: queryOf(request.originalUrl ?? req.url ?? '/', redaction),
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
  if (state.responseBody) data.responseBody = recordBody(state.responseBody.value, sizeOf(res.getHeader('content-length')), redaction);
  return data;
}
