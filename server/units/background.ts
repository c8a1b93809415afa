import { captureFrames, isUserFrame } from '../stack/callsite.js';
import { warnOnce } from '../log.js';
import { mapFrame } from '../stack/source-map.js';
import { isInternal, setOutsideRequests, type RequestContext } from '../request/context.js';
import type { LiveRequest } from '../request/record.js';
import type { RawFrame } from '../types.js';
import { memoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import { activeRecorder, closeUnit, openUnit } from './unit.js';
import type { Recorder } from './store-record.js';
import type { LiveEvents } from '../api/live-events.js';

/*
 * Queries and cache commands outside any request, task or socket event (timers, start-up, a queue
 * polled in a loop) are recorded as a bounded stream of their own: consecutive ones from one line
 * of the user's code make one `background` entry, closed after a quiet moment. They are kept apart from the
 * request history (their own small ring buffer in this process), so a timer firing every second
 * never evicts the requests the user came to look at.
 */

/** A burst ends after this long without a query (or command) from its line, or at this many of them. */
export const BACKGROUND_QUIET_MS = 1000;
export const BACKGROUND_MAX_QUERIES = 200;
/** Entries kept, and bursts open at once. */
export const BACKGROUND_CAPACITY = 50;
const MAX_OPEN_BURSTS = 20;


const kept: Store = memoryStore({ capacity: BACKGROUND_CAPACITY });
const NO_LIVE_EVENTS: LiveEvents = { subscribe: () => () => undefined, publish: () => undefined, size: 0 };
const open = new Map<string, { live: LiveRequest; timer: NodeJS.Timeout; recorder: Recorder; count: number }>();

/** The background entries, newest first, and one by id. */
export const backgroundStore: Pick<Store, 'get' | 'list'> = kept;

function close(key: string): void {
  const burst = open.get(key);
  if (!burst) return;
  open.delete(key);
  clearTimeout(burst.timer);
  try {
    // Into its own ring, and not onto the live stream, which carries the request history.
    closeUnit(burst.live, { ...burst.recorder, events: NO_LIVE_EVENTS, options: { ...burst.recorder.options, store: kept } });
  } catch (error) {
    // Runs from a timer: a throw here would be the app's uncaught exception.
    warnOnce('background', 'could not store queries run outside a request:', error);
  }
}

function label(frame: RawFrame | undefined): string {
  if (!frame) return 'background (no frame of your code on the stack)';
  const site = mapFrame(frame);
  return `${site.file}:${site.line}${site.function ? ` (${site.function})` : ''}`;
}

/**
 * The context a query outside any request is recorded in: the open burst of its user call site,
 * or a new one. Null when no toolbar is enabled, for the toolbar's own work, or when too many
 * bursts are open.
 *
 * @example
 * const context = currentContext() ?? backgroundContext(patchedQuery);
 */
export function backgroundContext(hookFunction: (...args: any[]) => unknown): RequestContext | null {
  const recorder = activeRecorder();
  if (!recorder || isInternal()) return null;
  const frames = captureFrames(hookFunction);
  const user = frames.find(isUserFrame);
  const key = user ? `${user.file}:${user.line}` : '';
  let burst = open.get(key);
  // Counted per call, queries and cache commands alike: a poller whose commands alone fill its
  // burst still gets new entries.
  if (burst && burst.count >= BACKGROUND_MAX_QUERIES) {
    close(key);
    burst = undefined;
  }
  if (!burst) {
    if (open.size >= MAX_OPEN_BURSTS) return null;
    const live = openUnit('background', label(user), recorder);
    burst = { live, recorder, timer: setTimeout(() => close(key), BACKGROUND_QUIET_MS), count: 0 };
    burst.timer.unref();
    open.set(key, burst);
  } else {
    burst.timer.refresh();
  }
  burst.count++;
  return { request: burst.live, frames: () => frames };
}

setOutsideRequests(backgroundContext);
