import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { currentContext, requestContext } from '../../../request/context.js';
import { captureFramesLazily } from '../../../stack/callsite.js';
import { patchMethod, reportHookError } from '../../../instrument/patch.js';

/*
 * knex's `.stream()` (and `.pipe()`) returns a stream at once and starts the query later, after
 * awaiting a pooled connection (knex/lib/execution/runner.js `stream` → `ensureConnection`), from
 * a promise nobody awaits: V8 keeps no async frame back to the user's line, so the driver hook
 * sees only knex. `Runner#stream` is where the user's frames still are: capture them there and
 * hand them down through the context, as pg's `pool.query` hook does.
 *
 * knex is not passed to the toolbar (its driver is), so its runner is found among the loaded
 * modules: every copy, CommonJS only (knex ships no ES build; `import knex` loads it through
 * require).
 */

const RUNNER = `${sep}node_modules${sep}knex${sep}lib${sep}execution${sep}runner.js`;
const moduleCache = createRequire(import.meta.url).cache;
const followed = new Set<string>();
let scannedModules = -1;

function patchRunner(Runner: unknown): void {
  const prototype = (Runner as { prototype?: object } | null)?.prototype;
  if (!prototype) return;
  patchMethod(prototype, 'stream', (original) =>
    function stream(this: unknown, ...args: unknown[]) {
      const context = currentContext();
      if (!context || context.frames) return original.apply(this, args);
      const frames = captureFramesLazily(stream);
      const calledBeforeResponse = !context.request.responded && !context.request.finished;
      return requestContext.run({ ...context, frames, calledBeforeResponse }, () => original.apply(this, args));
    });
}

/**
 * Patches the runner of every knex copy loaded so far. Called when a driver is instrumented and
 * again when a streamed query arrives without the user's frames (a knex loaded after the
 * toolbar): that query keeps knex's frames, the next ones get the user's line. Only rescans when
 * modules were loaded since.
 *
 * @example
 * followKnexStreams(); // knex('posts').stream() now records the line that called .stream()
 */
export function followKnexStreams(): void {
  try {
    const files = Object.keys(moduleCache);
    if (files.length === scannedModules) return;
    scannedModules = files.length;
    for (const file of files) {
      if (!file.endsWith(RUNNER) || followed.has(file)) continue;
      followed.add(file);
      patchRunner(moduleCache[file]?.exports);
    }
  } catch (hookError) {
    reportHookError(hookError);
  }
}
