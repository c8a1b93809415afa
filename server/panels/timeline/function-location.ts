import { Session } from 'node:inspector';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapFrame } from '../../stack/source-map.js';

/*
 * Where an anonymous function was written, so an arrow-function middleware reads
 * `anonymous (routes.ts:12)` rather than `<anonymous>`. V8 knows ([[FunctionLocation]]); the
 * in-process inspector tells us synchronously. It is asked once per function (cached), only for
 * functions without a name, and the script-id → URL map is filled by briefly enabling the
 * debugger, which costs tens of milliseconds once (and again only when an unknown script shows up).
 */

const cache = new WeakMap<object, string | null>();
const scriptUrls = new Map<string, string>();
let session: Session | null = null;
let unavailable = false;
let refreshes = 0;
const MAX_REFRESHES = 5;

function post<T>(method: string, params?: object): T {
  let result: T | undefined;
  let failure: unknown;
  session!.post(method, params ?? {}, (error, value) => {
    failure = error;
    result = value as T;
  });
  if (failure) throw failure;
  if (result === undefined) throw new Error(`${method}: no synchronous answer`);
  return result;
}

function refreshScripts(): void {
  refreshes += 1;
  post('Debugger.enable');
  post('Debugger.disable');
}

function connect(): void {
  session = new Session();
  session.connect();
  session.on('Debugger.scriptParsed', (message) => {
    scriptUrls.set(message.params.scriptId, message.params.url);
  });
}

function toPath(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url;
}

function locate(fn: object): string | null {
  if (unavailable) return null;
  try {
    if (!session) connect();
    const key = '__expressDebugToolbarLocate';
    (globalThis as Record<string, unknown>)[key] = fn;
    let objectId: string | undefined;
    try {
      objectId = post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: `globalThis.${key}` }).result.objectId;
    } finally {
      delete (globalThis as Record<string, unknown>)[key];
    }
    if (!objectId) return null;
    const { internalProperties } = post<{ internalProperties?: { name: string; value?: { value?: unknown } }[] }>(
      'Runtime.getProperties', { objectId, ownProperties: true },
    );
    post('Runtime.releaseObject', { objectId });
    const location = internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as
      { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
    if (!location) return null;
    if (!scriptUrls.has(location.scriptId) && refreshes < MAX_REFRESHES) refreshScripts();
    const url = scriptUrls.get(location.scriptId);
    if (!url) return null;
    const mapped = mapFrame({
      file: toPath(url), line: location.lineNumber + 1, column: location.columnNumber + 1, function: null,
    });
    return `${basename(mapped.file)}:${mapped.line}`;
  } catch {
    // No inspector (a restricted build, a worker without one): the name stays `anonymous`.
    unavailable = true;
    return null;
  }
}

/**
 * A readable name for a middleware or handler: its function name, or `anonymous (file:line)`.
 *
 * @example
 * functionLabel(function loadUser() {}) // 'loadUser'
 * functionLabel(() => {})               // 'anonymous (app.ts:12)'
 */
export function functionLabel(fn: unknown): string {
  if (typeof fn !== 'function') return 'anonymous';
  const name = fn.name;
  if (name && name !== 'anonymous' && name !== 'bound ') return name;
  let location = cache.get(fn);
  if (location === undefined) {
    location = locate(fn);
    cache.set(fn, location);
  }
  return location ? `anonymous (${location})` : 'anonymous';
}
