import { openCommand, type OpenCommand } from './commands.js';

/*
 * node-redis v4's `createClient({ legacyMode: true })` (as connect-redis 6 needs it). Its
 * constructor writes the legacy API on the instance itself (@redis/client 1.6.1,
 * dist/lib/client/index.js, `#legacyMode` and `#defineLegacyCommand`):
 * - `this.sendCommand = (...args) => …#legacySendCommand(...args)…`, and each command as
 *   `this[name] = (...args) => this.sendCommand(name, ...args)`: the callback API;
 * - HGETALL's (`TRANSFORM_LEGACY_REPLY`) as a function calling `#legacySendCommand` itself;
 * - `client.v4[name]`, the prototype's methods bound, and `client.v4.sendCommand`, the private
 *   `#sendCommand` bound.
 * All of them send through private methods, out of reach, and the instance's own properties hide
 * the prototype's patched methods. So the prototype's `sendCommand` (and HGETALL's methods) become
 * accessors: the constructor's assignments go through their setter, which wraps what it is given
 * on that instance. Each command is recorded once, at send time: the legacy `sendCommand` does not
 * go through the v4 methods, nor they through it. `multi()…exec(cb)` ends in the prototype's
 * `multiExecutor`, recorded already. A legacy client created before `debugToolbar()` is not
 * recorded: its own properties were written before the accessors were there.
 */

type AnyFunction = (this: any, ...args: any[]) => any;
type Send = (original: AnyFunction) => AnyFunction;

/** The arguments as v4's `transformLegacyCommandArguments` sends them: flattened one level, numbers and dates as text. */
const legacyArgs = (args: readonly unknown[]): unknown[] =>
  args.flat().map((arg) => (typeof arg === 'number' || arg instanceof Date ? arg.toString() : arg));

/**
 * v4 sends a command with `isolated: true` again from a pooled client (a legacy client too, when
 * the first was) with `isolated: false`: that call was recorded already.
 */
const isResent = (arg: unknown) => arg !== null && typeof arg === 'object' && (arg as { isolated?: unknown }).isolated === false;

/**
 * Wraps a legacy sender: `sendCommand(name, ...args, cb?)`, or with `name` given,
 * `hGetAll(...args, cb?)`. The app's callback is called as v4 calls it; without one, v4 emits a
 * failure as the client's `error` event, so the callback given in its place does the same.
 */
function recordLegacy(send: AnyFunction, name?: string): AnyFunction {
  return function redisLegacyCommand(this: { emit?: (event: string, error: unknown) => unknown }, ...call: unknown[]) {
    const callback = typeof call[call.length - 1] === 'function' ? (call.pop() as AnyFunction) : undefined;
    const open: OpenCommand | null = call.some(isResent) ? null : openCommand('node-redis', () => {
      const args = legacyArgs(call);
      return name === undefined ? { name: args[0], args: args.slice(1) } : { name, args };
    }, redisLegacyCommand);
    if (!open) return send.apply(this, callback ? [...call, callback] : call);
    const emitError = (error: unknown) => this.emit?.('error', error);
    let answered = false;
    return send.apply(this, [...call, function legacyReply(this: unknown, ...reply: unknown[]) {
      // v4 calls it again with the error the app's callback threw: that is not Redis' answer.
      if (!answered) {
        answered = true;
        if (reply[0] !== null && reply[0] !== undefined) open.fail(reply[0]);
        else open.reply(reply[1]);
      }
      if (callback) return callback.apply(this, reply);
      if (reply[0] !== null && reply[0] !== undefined) emitError(reply[0]);
    }]);
  };
}

/** The legacy client's `v4` object, or null for a client (or a prototype) not in legacy mode. */
function v4Of(target: object): Record<string, unknown> | null {
  try {
    // v4's getter throws for a client not in legacy mode, and for anything that is not a client.
    const v4 = (target as { v4?: unknown }).v4;
    return v4 !== null && typeof v4 === 'object' ? (v4 as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Makes `owner[name]` an accessor: read, it is the method it was (patched or not); written on an
 * instance, as the legacy constructor does, the instance gets `onInstance(instance, value)` as its
 * own property; written on `owner` itself, the method changes. Once: an accessor is left alone.
 */
function interceptInstanceWrites(owner: object, name: string, onInstance: (instance: object, value: unknown) => unknown): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, name);
  if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
  let current: unknown = descriptor.value;
  Object.defineProperty(owner, name, {
    configurable: true,
    enumerable: descriptor.enumerable,
    get() {
      return current;
    },
    set(this: object, value: unknown) {
      if (this === owner) {
        current = value;
        return;
      }
      let own = value;
      try {
        own = onInstance(this, value);
      } catch {
        // The client works unrecorded rather than not at all.
      }
      Object.defineProperty(this, name, { value: own, writable: true, configurable: true, enumerable: true });
    },
  });
}

/**
 * Records the legacy API of the v4 clients created from now on (see the top of this file).
 * `proto` is the prototype with `sendCommand`; `recordSend` wraps a `sendCommand(args, options)`
 * as the prototype's is wrapped; `legacyProbe` is a client in legacy mode, never connected.
 *
 * @example
 * patchV4Legacy(proto, recordSend, createClient({ legacyMode: true }));
 */
export function patchV4Legacy(proto: object, recordSend: Send, legacyProbe: object): void {
  // The legacy functions that call `#legacySendCommand` themselves (HGETALL and hGetAll in 1.6.1),
  // read on a probe: the others call `this.sendCommand`.
  const direct = Object.getOwnPropertyNames(legacyProbe).filter((name) => name !== 'sendCommand'
    && Object.prototype.hasOwnProperty.call(proto, name)
    && /legacySendCommand/.test(String(Object.getOwnPropertyDescriptor(legacyProbe, name)?.value)));
  interceptInstanceWrites(proto, 'sendCommand', (client, value) => {
    const v4 = v4Of(client);
    if (!v4 || typeof value !== 'function') return value;
    // Written just before, in the same constructor: `#sendCommand` bound, the array form.
    if (typeof v4.sendCommand === 'function') v4.sendCommand = recordSend(v4.sendCommand as AnyFunction);
    return recordLegacy(value as AnyFunction);
  });
  for (const name of direct) {
    interceptInstanceWrites(proto, name, (client, value) => (v4Of(client) && typeof value === 'function' ? recordLegacy(value as AnyFunction, name) : value));
  }
}
