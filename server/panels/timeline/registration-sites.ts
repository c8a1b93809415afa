import { createRequire } from 'node:module';
import { METHODS } from 'node:http';
import { sep } from 'node:path';
import { captureStackForLater, isUserFrame, type LazyFrames } from '../../stack/callsite.js';
import { ownerOf, patchMethod, reportHookError } from '../../instrument/patch.js';
import type { RawFrame } from '../../types.js';
import { infoOnce } from '../../log.js';
import { currentContext } from '../../request/context.js';

/*
 * Where each Express layer was registered: the user's line of `app.get`, `router.use`,
 * `router.route().post`… An app that wraps every handler (`asyncHandler(fn)`, `catchAsync`)
 * gives them all the wrapper's name, and every router is `router`; the line that registered
 * them tells them apart. Captured once per registration, at start-up, by patching the methods
 * that push layers (Express 4's router `proto.use/route` and `Route`; Express 5's pillarjs
 * `Router.prototype.use/route` and `Route`): nothing per request but a WeakMap lookup.
 *
 * Registrations before the patch cannot be seen again, so the patch goes in as early as possible:
 * when the toolbar is imported (the `express` it resolves as its peer, and every copy already
 * loaded), and again when `debugToolbar()` runs. Import the toolbar before your route modules.
 */

/** Frames kept per registration: the user's line is within the first few (app.get → route.get). */
const REGISTRATION_DEPTH = 12;
/**
 * Registrations whose raw stack is kept until their layer first runs: an app's start-up. Past it,
 * and during a request, the stack is turned into frames at once: a raw one holds every frame's
 * `this` alive, and an app that registers a layer per request (`app.use(cors())` inside a handler)
 * grew by the whole request, about 30 KB, on every request (a real-app trial, #17).
 */
const MAX_RAW_STACKS = 1000;
let rawStacks = 0;

const nodeRequire = createRequire(import.meta.url);
const EXPRESS_MAIN = `${sep}lib${sep}express.js`;
const followed = new WeakSet<object>();
/** Each layer's registration stack, until first read; then its user frame (or null). */
const sites = new WeakMap<object, LazyFrames | RawFrame | null>();

interface ExpressExports {
  Router?: (...args: unknown[]) => unknown;
  Route?: { prototype: object };
}

/** Tags the layers a registration pushed onto `stack` with the stack that registered them. */
function tagNewLayers(stack: unknown, before: number, frames: LazyFrames): void {
  if (!Array.isArray(stack)) return;
  for (let i = before; i < stack.length; i++) {
    const layer = stack[i];
    if (layer && typeof layer === 'object' && !sites.has(layer)) sites.set(layer, frames);
  }
}

function recordRegistrations(prototype: object, method: string): void {
  patchMethod(prototype, method, (original) =>
    function registered(this: { stack?: unknown[] }, ...args: unknown[]) {
      const before = Array.isArray(this?.stack) ? this.stack.length : 0;
      const result = original.apply(this, args);
      try {
        const frames = captureStackForLater(registered, REGISTRATION_DEPTH);
        if (currentContext() || rawStacks >= MAX_RAW_STACKS) frames();
        else rawStacks += 1;
        tagNewLayers(this?.stack, before, frames);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return result;
    });
}

function patchExpress(express: ExpressExports | null | undefined): void {
  if (!express || typeof express.Router !== 'function' || !express.Route?.prototype || followed.has(express)) return;
  followed.add(express);
  // Express 4's Router() is a function whose prototype is `proto`; Express 5's is an instance of Router.
  const router = ownerOf(express.Router() as object, 'use');
  if (router) for (const method of ['use', 'route']) recordRegistrations(router, method);
  const route = express.Route.prototype as Record<string, unknown>;
  for (const method of ['all', ...METHODS.map((name) => name.toLowerCase())]) {
    if (typeof route[method] === 'function') recordRegistrations(route, method);
  }
}

/**
 * Patches every Express copy loaded so far, and the one the toolbar resolves as its peer. Cheap
 * to call again: copies already patched are skipped.
 *
 * @example
 * followExpressRegistrations(); // app.get('/a', asyncHandler(fn)) now remembers its line
 */
export function followExpressRegistrations(): void {
  try {
    try {
      patchExpress(nodeRequire('express') as ExpressExports);
    } catch {
      // No `express` next to the toolbar (a nested copy, an alias): the loaded copies below.
    }
    for (const [file, entry] of Object.entries(nodeRequire.cache)) {
      if (file.endsWith(EXPRESS_MAIN)) patchExpress(entry?.exports as ExpressExports);
    }
  } catch (hookError) {
    reportHookError(hookError);
  }
}

/**
 * The user's frame that registered `layer` (unmapped), or null when it was registered before the
 * toolbar was loaded, or by a library. Resolved on the first request that runs the layer.
 */
export function registrationSite(layer: object): RawFrame | null {
  const site = sites.get(layer);
  if (site === undefined) {
    // Never shown as a guess: the span has no line, and the log says why, once.
    infoOnce('registered-before', 'some middleware and routes were registered before express-debug-toolbar was loaded, so the '
      + 'timeline cannot show the line that registered them: require/import it before your route modules.');
    return null;
  }
  if (typeof site !== 'function') return site;
  const frame = site().find(isUserFrame) ?? null;
  sites.set(layer, frame);
  return frame;
}
