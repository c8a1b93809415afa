import { AsyncLocalStorage } from 'node:async_hooks';
import type { CapturedSpan, CapturedTemplate, LiveRequest } from './record.js';
import type { LazyFrames } from '../stack/callsite.js';
import type { OrmCall } from '../types.js';

/**
 * What the toolbar knows while a request is being served. Driver hooks read it synchronously at
 * call time (never later: pg callbacks can run in another request's context).
 */
export interface RequestContext {
  request: LiveRequest;
  /**
   * Frames captured where the user called a pool-level method (pg's `pool.query`), whose real
   * query starts later, from a callback with none of the user's frames on the stack.
   */
  frames?: LazyFrames;
  /**
   * The user called that pool-level method before the response: its query, started later from a
   * connect callback, is not work "after the response" (unawaited, if it outlives the response).
   */
  calledBeforeResponse?: boolean;
  /**
   * The ORM call running (server/panels/sql/orm-calls/): its queries start later, after the ORM's
   * own batching or awaits, and all carry it.
   */
  ormCall?: OrmCall;
  /** The innermost span whose code is running: queries, renders and HTTP calls become its children. */
  span?: CapturedSpan;
  /** The template being rendered, if any: includes become its children. */
  template?: CapturedTemplate;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The toolbar's own database and Redis work (EXPLAIN, the Redis store): never recorded, not even as background. */
const internal = new AsyncLocalStorage<true>();

/**
 * Runs the toolbar's own database and Redis work outside every record: neither the request it may
 * run in nor the background stream gets it.
 *
 * @example
 * await runInternal(() => client.query('EXPLAIN …'));
 */
export function runInternal<T>(fn: () => T): T {
  return requestContext.exit(() => internal.run(true, fn));
}

/** Whether the code running is the toolbar's own work ({@link runInternal}). */
export function isInternal(): boolean {
  return internal.getStore() === true;
}

/** The current request's context, or undefined outside any recorded request. */
export function currentContext(): RequestContext | undefined {
  return requestContext.getStore();
}

type OutsideOpener = (hookFunction: (...args: any[]) => unknown) => RequestContext | null;
let openOutside: OutsideOpener | undefined;

/**
 * How work outside any request is recorded: units/background.ts sets its bursts here when it
 * loads (the API routes load it with the toolbar), so that a panel (the SQL capture, the Cache
 * panel) reaches them without importing units/, which starts and finishes the panels.
 */
export function setOutsideRequests(opener: OutsideOpener): void {
  openOutside = opener;
}

/**
 * The current request's context, or outside any request the background burst of the caller's
 * line (units/background.ts); null when neither records anything.
 *
 * @example
 * const context = contextOrBackground(patchedCommand);
 */
export function contextOrBackground(hookFunction: (...args: any[]) => unknown): RequestContext | null {
  return requestContext.getStore() ?? openOutside?.(hookFunction) ?? null;
}
