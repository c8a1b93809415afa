import type { LazyFrames } from '../../../stack/callsite.js';
import { captureCallSites } from '../../../stack/call-sites.js';
import { callerFrames, depthToCapture } from '../../../stack/caller-frames.js';
import { currentContext, requestContext, type RequestContext } from '../../../request/context.js';
import { nextOrmCallId, type OrmCallInfo } from '../../../request/orm-call-id.js';

export { nextOrmCallId, type OrmCallInfo };

/*
 * What the ORM call hooks of this folder share. An ORM call (`prisma.user.findUnique(…)`,
 * `repository.find(…)`, `await db.select()…`) often starts its SQL later than the call, after the
 * ORM's own batching, awaits or thenable: by then the user's frames are gone from the stack. So
 * the hooks capture the frames at the call, and run the ORM's work in a context that carries them
 * (the driver hook reads `context.frames`) with the call itself (`context.ormCall`), which every
 * query of that call then records.
 */

/**
 * The context an ORM call's work should run in, captured now (at the user's call), or null
 * outside a recorded request (queries outside any request are grouped by the driver's own stack,
 * units/background.ts). Inside another call of the same ORM (a repository method calling
 * the query builder), the outer call's context is kept: it is one call.
 *
 * @example
 * const context = ormCallContext({ orm: 'prisma', model: 'User', method: 'findUnique' }, createPrismaPromise);
 * return context ? requestContext.run(context, work) : work();
 */
export function ormCallContext(info: OrmCallInfo | null, skipAbove: (...args: any[]) => unknown): RequestContext | null {
  const context = currentContext();
  if (!context || context.request.settled) return null;
  if (context.ormCall?.orm === info?.orm && context.ormCall) return context;
  const frames = context.frames ?? callFrames(info, skipAbove);
  // Like pg's pool.query: a call made before the response whose SQL starts after it is the
  // request's own unawaited work, not work after the response.
  const calledBeforeResponse = context.calledBeforeResponse ?? (!context.request.responded && !context.request.finished);
  return { ...context, frames, calledBeforeResponse, ...(info ? { ormCall: { id: nextOrmCallId(context.request), ...info } } : {}) };
}

/** Calls kept in {@link usualCallers}, past which it starts again. */
const USUAL_CALLERS = 2_000;
/** Per kind of call (ORM, model, method), the user's line its latest call came from (null: a library's). */
const usualCallers = new Map<string, string | null>();

/**
 * The frames of an ORM call. A call from a loop (the N+1 these hooks exist to show) comes from the
 * same line as the call of its kind before it, so the capture takes that line's learned path,
 * a few frames deep (stack/caller-frames.ts); a wrong guess costs that short capture, then a full one.
 */
function callFrames(info: OrmCallInfo | null, skipAbove: (...args: any[]) => unknown): LazyFrames {
  const kind = info ? `${info.orm}\u0000${info.model ?? ''}\u0000${info.method ?? ''}` : null;
  const usual = kind === null ? null : usualCallers.get(kind) ?? null;
  const { position, frames } = callerFrames(captureCallSites(skipAbove, depthToCapture(usual, skipAbove)), usual, skipAbove);
  if (kind !== null && position !== usual) {
    if (usualCallers.size >= USUAL_CALLERS) usualCallers.clear();
    usualCallers.set(kind, position);
  }
  return () => frames;
}

/** Runs `work` in `context` when there is one. */
export function runIn<T>(context: RequestContext | null, work: () => T): T {
  return context ? requestContext.run(context, work) : work();
}

/** The top-level names of an options object whose value is set: `{ author: true, tags: { … } }` → author, tags. */
export function setKeys(value: unknown): string[] {
  if (Array.isArray(value)) return [...new Set(value.filter((v): v is string => typeof v === 'string').map((v) => v.split('.')[0]))];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).filter(([, v]) => v !== false && v !== undefined && v !== null).map(([k]) => k);
}
