import { requestContext } from '../request/context.js';
import { warnOnce } from '../log.js';
import { observeSettled } from '../instrument/settled.js';
import { activeRecorder, closeUnit, openUnit } from './unit.js';

type Listener = ((...args: unknown[]) => unknown) & { listener?: unknown; fn?: unknown };

interface NamespaceLike {
  name?: string;
  use(middleware: (socket: object, next: (error?: Error) => void) => void): unknown;
}

interface ServerLike {
  use?: unknown;
  of?: unknown;
  on(event: string, listener: (namespace: NamespaceLike) => void): unknown;
  _nsps?: Map<string, NamespaceLike>;
}

/** Emitted by socket.io or Node itself, not by the client: their handlers are not events of the app's protocol. */
const NOT_CLIENT_EVENTS = new Set(['newListener', 'removeListener']);
const patched = new WeakSet<object>();

/**
 * Runs a socket event's handler as a unit of kind `socket`: synchronously, returning exactly what
 * the handler returns or throwing what it throws (socket.io's own dispatch must not change), and
 * storing the record once the handler, or the promise it returned, is done.
 */
function recorded(event: string, namespace: string, listener: Listener): Listener {
  const wrapped: Listener = function socketEventRecorded(this: unknown, ...args: unknown[]) {
    const recorder = activeRecorder();
    if (!recorder) return listener.apply(this, args);
    const live = openUnit('socket', namespace === '/' ? event : `${namespace} ${event}`, recorder);
    const close = (failure?: { value: unknown }) => {
      try {
        closeUnit(live, recorder, failure);
      } catch (error) {
        warnOnce('socket', 'could not store a socket event:', error);
      }
    };
    let result: unknown;
    try {
      result = requestContext.run({ request: live }, () => listener.apply(this, args));
    } catch (error) {
      close({ value: error });
      throw error;
    }
    // The observed promise is handed on in place of the handler's: a rejection nobody handles
    // stays the app's unhandled rejection.
    if (result instanceof Promise) return observeSettled(result, (error) => close(error === undefined ? undefined : { value: error }));
    close();
    return result;
  };
  // Node's EventEmitter and socket.io's emitter find a listener by these when it is removed.
  wrapped.listener = listener;
  wrapped.fn = listener;
  return wrapped;
}

function patchSocketPrototype(prototype: Record<string, unknown>): void {
  if (patched.has(prototype)) return;
  patched.add(prototype);
  // Node's once() and prependOnceListener() add their own wrapper through on()/prependListener():
  // patching them too would record each such event twice.
  for (const method of ['on', 'addListener', 'prependListener']) {
    const original = prototype[method];
    if (typeof original !== 'function') continue;
    prototype[method] = function onRecorded(this: { nsp?: { name?: string } }, event: unknown, listener: unknown) {
      if (typeof event !== 'string' || typeof listener !== 'function' || NOT_CLIENT_EVENTS.has(event)) {
        return original.call(this, event, listener);
      }
      return original.call(this, event, recorded(event, this.nsp?.name ?? '/', listener as Listener));
    };
  }
}

/**
 * Records each socket.io event a server handles as a History entry of kind `socket`, named by the
 * event, with every query its handler runs (awaited or not). The Socket class is reached through
 * the first connection (a namespace middleware patches it before the app's `connection` handlers
 * add their listeners), so nothing of socket.io is imported here.
 *
 * @example
 * const io = new Server(httpServer);
 * app.use(debugToolbar({ instrument: { pg, socketIo: io } }));
 */
export function instrumentSocketIo(io: unknown): void {
  const server = io as ServerLike;
  if (!server || typeof server.on !== 'function' || typeof server.of !== 'function' || typeof server.use !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.socketIo` must be the socket.io Server (const io = new Server(httpServer))');
  }
  const watch = (namespace: NamespaceLike) => namespace.use((socket, next) => {
    try {
      patchSocketPrototype(Object.getPrototypeOf(socket) as Record<string, unknown>);
    } catch (error) {
      warnOnce('socket', 'could not record socket.io events:', error);
    }
    next();
  });
  for (const namespace of server._nsps?.values() ?? []) watch(namespace);
  server.on('new_namespace', watch);
}
