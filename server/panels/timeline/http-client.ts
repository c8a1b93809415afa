import diagnosticsChannel from 'node:diagnostics_channel';
import { currentContext } from '../../request/context.js';
import type { CapturedSpan, LiveRequest } from '../../request/record.js';
import { reportHookError } from '../../instrument/patch.js';
import { redactUrl } from '../../security/redact-url.js';
import { closeSpan, openSpan } from './spans.js';

/*
 * Outbound HTTP through Node's diagnostics channels, which both families publish in the caller's
 * async context (research §3): `fetch`/undici on `undici:request:*`, `http`/`https` on
 * `http.client.*`. Neither publishes the other's. Spans are keyed on the request object.
 * `http.client.response.finish` fires when the *headers* arrive, so the span ends on the
 * response's 'end' (or the request's 'close'), which is when the body is over.
 */

interface OutboundCall {
  request: LiveRequest;
  span: CapturedSpan;
}

const calls = new WeakMap<object, OutboundCall>();
let subscribed = false;

function guarded<T>(fn: (message: T) => void): (message: unknown) => void {
  return (message) => {
    try {
      fn(message as T);
    } catch (error) {
      reportHookError(error);
    }
  };
}

function open(key: object, method: string, url: string): void {
  const context = currentContext();
  if (!context || context.request.finished || !context.request.timeline) return;
  // Through the app's options (redactNames, redactPathSegments) when the request has them.
  const redact = context.request.redactUrl ?? ((raw: string) => redactUrl(raw));
  const span = openSpan(context.request, 'http', `${method.toUpperCase()} ${redact(url)}`, context.span?.id ?? null);
  if (span) calls.set(key, { request: context.request, span });
}

function status(key: object, code: unknown): void {
  const call = calls.get(key);
  if (call && typeof code === 'number') call.span.detail = `${code}`;
}

function close(key: object, error?: unknown): void {
  const call = calls.get(key);
  if (!call) return;
  calls.delete(key);
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    call.span.detail = call.span.detail ? `${call.span.detail}, failed: ${message}` : `failed: ${message}`;
  }
  closeSpan(call.request, call.span);
}

interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  method?: string;
}

interface HttpClientRequest {
  method?: string;
  protocol?: string;
  host?: string;
  path?: string;
  getHeader?: (name: string) => unknown;
  once?: (event: string, listener: (...args: unknown[]) => void) => unknown;
}

interface HttpIncomingMessage {
  statusCode?: number;
  once?: (event: string, listener: (...args: unknown[]) => void) => unknown;
}

function urlOfClientRequest(request: HttpClientRequest): string {
  const host = request.getHeader?.('host');
  return `${request.protocol ?? 'http:'}//${typeof host === 'string' ? host : request.host ?? ''}${request.path ?? ''}`;
}

/** `http.client.request.error` is published from Node 20.17.0 (and on every later major). */
export function hasHttpErrorChannel(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 20 || (major === 20 && minor >= 17);
}

/** Subscribes to the outbound HTTP channels; once per process. */
export function subscribeHttpChannels(): void {
  if (subscribed) return;
  subscribed = true;

  diagnosticsChannel.subscribe('undici:request:create', guarded<{ request: UndiciRequest }>(({ request }) => {
    open(request, request.method ?? 'GET', `${String(request.origin ?? '')}${request.path ?? ''}`);
  }));
  diagnosticsChannel.subscribe('undici:request:headers', guarded<{ request: object; response: { statusCode?: number } }>(
    ({ request, response }) => status(request, response?.statusCode),
  ));
  diagnosticsChannel.subscribe('undici:request:trailers', guarded<{ request: object }>(({ request }) => close(request)));
  diagnosticsChannel.subscribe('undici:request:error', guarded<{ request: object; error: unknown }>(
    ({ request, error }) => close(request, error),
  ));

  diagnosticsChannel.subscribe('http.client.request.start', guarded<{ request: HttpClientRequest }>(({ request }) => {
    open(request, request.method ?? 'GET', urlOfClientRequest(request));
    // Never an 'error' listener: it would swallow errors the app does not handle. 'close' always comes.
    if (calls.has(request)) request.once?.('close', () => close(request));
  }));
  diagnosticsChannel.subscribe('http.client.response.finish', guarded<{ request: object; response: HttpIncomingMessage }>(
    ({ request, response }) => {
      status(request, response?.statusCode);
      if (calls.has(request)) response?.once?.('end', () => close(request));
    },
  ));
  // From Node 20.17 (nodejs/node #54054); before, a failed request ends on its 'close'.
  if (hasHttpErrorChannel(process.versions.node)) {
    diagnosticsChannel.subscribe('http.client.request.error', guarded<{ request: object; error: unknown }>(
      ({ request, error }) => close(request, error),
    ));
  }
}
