const PATCHED = Symbol.for('express-debug-toolbar.patched');

type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Replaces `owner[name]` by `wrap(original)` once: a second toolbar, or a second call, leaves the
 * first patch in place. The wrapper keeps the original's name and arity, which some libraries
 * (Express among them) read.
 */
export function patchMethod(owner: object, name: string, wrap: (original: AnyFunction) => AnyFunction): boolean {
  const target = owner as Record<string, unknown>;
  const original = target[name];
  if (typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[PATCHED]) return false;
  const patched = wrap(original as AnyFunction);
  Object.defineProperty(patched, PATCHED, { value: original });
  Object.defineProperty(patched, 'name', { value: original.name });
  Object.defineProperty(patched, 'length', { value: original.length });
  target[name] = patched;
  return true;
}

/** The object in `start`'s prototype chain that owns `method`: where a patch must go. */
export function ownerOf(start: object | null, method: string): object | null {
  for (let proto = start; proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, method)) return proto;
  }
  return null;
}

let reported = false;
/** A hook's own failure: logged once, never thrown into the application. */
export function reportHookError(error: unknown): void {
  if (reported) return;
  reported = true;
  console.warn('[express-debug-toolbar] a driver hook failed; the query ran but may be missing from the toolbar:', error);
}

/** Whether `fn` is a toolbar patch (of this copy of the toolbar or another). */
export function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[PATCHED] !== undefined;
}
