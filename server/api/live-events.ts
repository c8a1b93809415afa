import type { ServerResponse } from 'node:http';
import type { RequestSummary } from '../types.js';

/*
 * Live updates for the history panel: the middleware publishes each request once it is stored,
 * and every open `GET {mountPath}/api/events` stream gets it as a Server-Sent Event. In-process
 * only: with a shared store, each worker streams the requests it served itself.
 */

type Listener = (summary: RequestSummary) => void;

/** Open streams across every toolbar in the process; the tests read it to see listeners released. */
let totalListeners = 0;

/** How many live listeners are subscribed, over every toolbar instance in this process. */
export function liveListenerCount(): number {
  return totalListeners;
}

export interface LiveEvents {
  /** Adds a listener; returns the function that removes it (safe to call twice). */
  subscribe(listener: Listener): () => void;
  /** Hands a stored request's summary to the listeners; `summary` is only called when there are any. */
  publish(summary: () => RequestSummary): void;
  readonly size: number;
}

/** One toolbar instance's channel. */
export function createLiveEvents(onListenerError: (error: unknown) => void): LiveEvents {
  const listeners = new Set<Listener>();
  return {
    subscribe(listener) {
      // A wrapper per subscription, so the same function subscribed twice is two listeners.
      const entry: Listener = (summary) => listener(summary);
      listeners.add(entry);
      totalListeners += 1;
      return () => {
        if (listeners.delete(entry)) totalListeners -= 1;
      };
    },
    publish(summary) {
      if (listeners.size === 0) return;
      const value = summary();
      for (const listener of [...listeners]) {
        try {
          listener(value);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}

/** Comment lines keep proxies and browsers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** Each stream holds a socket: a runaway tab opening streams in a loop must not exhaust the server. */
export const MAX_STREAMS = 20;

/** One `event: request` message; JSON has no raw newlines, so one `data:` line is enough. */
export function requestEvent(summary: RequestSummary): string {
  return `event: request\nid: ${summary.id}\ndata: ${JSON.stringify(summary)}\n\n`;
}

/**
 * Streams `events` to `res` until the client goes away. Returns false, having sent nothing, when
 * the cap on concurrent streams is reached.
 */
export function openEventStream(res: ServerResponse, events: LiveEvents, heartbeatMs = HEARTBEAT_MS): boolean {
  if (events.size >= MAX_STREAMS) return false;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Sends the headers now, so the client's `onopen` fires before the first request arrives.
  res.write(': connected\nretry: 3000\n\n');
  const unsubscribe = events.subscribe((summary) => {
    res.write(requestEvent(summary));
  });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref();
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  res.once('close', close);
  res.once('error', close);
  return true;
}
