import { captureFramesLazily } from '../../../stack/callsite.js';
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
  const frames = context.frames ?? captureFramesLazily(skipAbove);
  // Like pg's pool.query: a call made before the response whose SQL starts after it is the
  // request's own unawaited work, not work after the response.
  const calledBeforeResponse = context.calledBeforeResponse ?? (!context.request.responded && !context.request.finished);
  return { ...context, frames, calledBeforeResponse, ...(info ? { ormCall: { id: nextOrmCallId(context.request), ...info } } : {}) };
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
