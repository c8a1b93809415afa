import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { currentContext, requestContext } from '../request/context.js';
import type { LazyFrames } from './call-sites.js';
import { searchFrames } from './deep-frames.js';
import { debug } from '../log.js';
import type { OrmCall, RawFrame } from '../types.js';
import { nextOrmCallId, type OrmCallInfo } from '../request/orm-call-id.js';

/*
 * Query builders that are thenables (drizzle-orm's QueryPromise) start their query from `then`,
 * which `await` calls in a microtask of its own: none of the user's frames are on that stack, and
 * V8 has no async frame to lead back to them. But `await x` and `Promise.all([x])` read `x.then`
 * synchronously, on the user's line. So `then` becomes a getter that captures the frames there
 * and runs the real `then` with them in the request context, where the driver hook finds them
 * (the same hand-off as pg's `pool.query`).
 */

const PATCHED = Symbol.for('express-debug-toolbar.await-frames');

/**
 * Makes `await builder` (and `Promise.all`) record the awaiting line as the call site of the
 * queries the builder runs, and, with `describe`, the ORM call it is (server/panels/sql/orm-calls/).
 * Applies once per prototype; outside a request it costs one context lookup per `then` read.
 *
 * @example
 * captureFramesOnAwait(QueryPromise.prototype, '/app/node_modules/drizzle-orm/query-promise.js')
 */
export function captureFramesOnAwait(prototype: object, definedIn?: string, describe?: (builder: unknown) => OrmCallInfo | null): void {
  const target = prototype as Record<PropertyKey, unknown>;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'then');
  if (target[PATCHED] || !descriptor || typeof descriptor.value !== 'function') return;
  const originalThen = descriptor.value as (this: unknown, ...args: unknown[]) => unknown;
  Object.defineProperty(prototype, 'then', {
    configurable: true,
    enumerable: descriptor.enumerable,
    get: function readThen(this: unknown) {
      const context = currentContext();
      if (!context || context.frames) return originalThen;
      let frames: LazyFrames;
      try {
        // Searched like any capture, but without learning from a stack with no user frame: that
        // learning is what patched this `then` (and importing it here would close an import cycle).
        const found = searchFrames(readThen).frames;
        const captured: LazyFrames = () => found;
        // The builder's own frame, innermost, so the read path can tell which library it was.
        const builderFrame: RawFrame | null = definedIn ? { file: definedIn, line: 1, column: 1, function: 'then' } : null;
        let withBuilder: RawFrame[] | undefined;
        frames = builderFrame ? () => (withBuilder ??= [builderFrame, ...captured()]) : captured;
      } catch {
        return originalThen;
      }
      let ormCall: OrmCall | undefined;
      try {
        const info = describe?.(this);
        if (info) ormCall = { id: nextOrmCallId(context.request), ...info };
      } catch {
        // The call's description is a bonus: the frames are what matters.
      }
      return function then(this: unknown, ...args: unknown[]) {
        return requestContext.run({ ...context, frames, ...(ormCall ? { ormCall } : {}) }, () => originalThen.apply(this, args));
      };
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'then', { value, writable: true, configurable: true, enumerable: true });
    },
  });
  Object.defineProperty(prototype, PATCHED, { value: true });
}

/**
 * Packages whose query builders are thenables. drizzle copies `then` onto some builders
 * (`applyMixins(PgSelectBase, [QueryPromise])`), so besides the base class every builder module on
 * the stack is patched too.
 */
const THENABLE_PACKAGES: ReadonlyArray<{ marker: string; base: string; builders: RegExp }> = [
  { marker: '/node_modules/drizzle-orm/', base: 'query-promise', builders: /\/query-builders\/[^/]+\.c?js$/ },
];

const seen = new Set<string>();

async function patchModule(file: string): Promise<void> {
  const loaded = file.endsWith('.cjs')
    ? createRequire(file)(file) as Record<string, unknown>
    : await import(pathToFileURL(file).href) as Record<string, unknown>;
  for (const value of Object.values(loaded)) {
    const prototype = typeof value === 'function' ? (value as { prototype?: object }).prototype : undefined;
    if (prototype && typeof Object.getOwnPropertyDescriptor(prototype, 'then')?.value === 'function') {
      captureFramesOnAwait(prototype, file);
    }
  }
}

function patchOnce(file: string): void {
  if (seen.has(file)) return;
  seen.add(file);
  if (!existsSync(file)) return;
  patchModule(file).catch((error) => debug('could not follow awaits of %s: %s', file, error));
}

/**
 * Called with the files of a stack that holds no user frame: when they come from a thenable query builder, its
 * classes are patched (see {@link captureFramesOnAwait}) in the very copy that ran, ESM or CJS, so
 * the queries after this one find their call site. Nothing to configure, and free for apps that
 * never lose their frames.
 */
export function learnFromFramesWithoutUser(files: readonly string[]): void {
  for (const file of files) {
    const path = file.replace(/\\/g, '/');
    for (const { marker, base, builders } of THENABLE_PACKAGES) {
      const at = path.lastIndexOf(marker);
      if (at < 0) continue;
      const extension = path.endsWith('.cjs') ? '.cjs' : '.js';
      patchOnce(file.slice(0, at + marker.length) + base + extension);
      if (builders.test(path)) patchOnce(file);
    }
  }
}
