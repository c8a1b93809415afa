import { ownerOf, patchMethod, reportHookError } from '../../instrument/patch.js';
import { openCommand, type CommandInput, type OpenCommand } from './commands.js';
import { patchV4Legacy } from './node-redis-legacy.js';

/*
 * node-redis (`redis` v4 and v5): the prototype every client of one copy shares, found through a
 * client that is never connected. Clients created before `debugToolbar()` are recorded too, since
 * they look their methods up on that prototype at each call.
 *
 * v5: each command method ends in `_executeCommand` → `sendCommand(redisArgs)`; `multi().exec()`
 * in `_executeMulti`, `execAsPipeline()` in `_executePipeline`, both with `[{ args }]`.
 * v4: the command methods call a captured executor and a private `#sendCommand`, so each command
 * method is wrapped itself (with the app's arguments), `sendCommand` for raw commands, and
 * `multiExecutor(commands, db, chainId)` for batches: a chain id is a MULTI, none a pipeline.
 * The `scripts` and `functions` of `createClient` end in `executeScript`/`executeFunction`, looked
 * up on the prototype at each call; the modules' namespaces (`client.json.get`, `client.ft.search`)
 * call the `commandsExecutor` the prototype had when the client was created, so theirs are
 * recorded for clients created after `debugToolbar()` only. v4's `legacyMode` clients write their
 * own callback API on each instance: node-redis-legacy.ts.
 */

type AnyFunction = (this: any, ...args: any[]) => any;

function fail(value: unknown): never {
  throw new TypeError(`express-debug-toolbar: \`instrument.redis\` must be the redis module v4 or v5 (\`import * as redis from 'redis'\`), got ${value === null ? 'null' : typeof value}`);
}

/** Follows a reply: the promise returned is the client's own, untouched. */
function follow(open: OpenCommand | null, result: unknown, batch = false): unknown {
  if (open && result instanceof Promise) {
    result.then((value) => {
      open.reply(value);
      if (batch && Array.isArray(value)) open.replies?.(value);
    }, (error) => open.fail(error));
  }
  return result;
}

const asInput = (args: readonly unknown[]): CommandInput => ({ name: args[0], args: args.slice(1) });

/** Wraps a `sendCommand(args, options)`: the prototype's, and a v4 legacy client's `client.v4.sendCommand`. */
function recordSend(original: AnyFunction): AnyFunction {
  return function redisSendCommand(this: unknown, ...call: any[]) {
    const args = call[0];
    // v4 sends an `isolated` command again from a pooled client with `isolated: false`: the call
    // the app made was recorded already (the only `isolated: false` v4 passes itself).
    const resent = (call[1] as { isolated?: unknown } | undefined)?.isolated === false;
    // Only the array form is v4's and v5's; a legacy client's own `sendCommand(name, ...args, cb)`
    // hides this one (node-redis-legacy.ts).
    const open = Array.isArray(args) && !resent ? openCommand('node-redis', asInput(args), redisSendCommand) : null;
    return follow(open, original.apply(this, call));
  };
}

const patchSend = (proto: object) => patchMethod(proto, 'sendCommand', recordSend);

interface V4Script {
  SHA1?: string;
  NUMBER_OF_KEYS?: number;
}

interface V4Command {
  transformArguments?: (...args: unknown[]) => unknown[];
}

/** Records v4's scripts, functions and module commands (see the top of this file). */
function patchV4Extensions(proto: object): void {
  patchMethod(proto, 'executeScript', (original) => function redisExecuteScript(this: unknown, ...call: any[]) {
    const [script, args] = call as [V4Script, unknown[]];
    const open = openCommand('node-redis', () => ({
      name: 'EVALSHA', args: [script?.SHA1, ...(script?.NUMBER_OF_KEYS !== undefined ? [String(script.NUMBER_OF_KEYS)] : []), ...(args ?? [])],
    }), redisExecuteScript);
    return follow(open, original.apply(this, call));
  });
  patchMethod(proto, 'executeFunction', (original) => function redisExecuteFunction(this: unknown, ...call: any[]) {
    const [name, fn, args] = call as [string, V4Script & { IS_READ_ONLY?: boolean }, unknown[]];
    const open = openCommand('node-redis', () => ({
      name: fn?.IS_READ_ONLY ? 'FCALL_RO' : 'FCALL', args: [name, ...(fn?.NUMBER_OF_KEYS !== undefined ? [String(fn.NUMBER_OF_KEYS)] : []), ...(args ?? [])],
    }), redisExecuteFunction);
    return follow(open, original.apply(this, call));
  });
  patchMethod(proto, 'commandsExecutor', (original) => function redisModuleCommand(this: unknown, ...call: any[]) {
    const [command, args] = call as [V4Command, unknown[]];
    const open = openCommand('node-redis', () => {
      // The module's own transform, as the executor runs it, for the command's name and arguments.
      const jsArgs = isCommandOptions(args?.[0]) ? args.slice(1) : args ?? [];
      const redisArgs = command.transformArguments!(...jsArgs);
      return asInput(redisArgs);
    }, redisModuleCommand);
    return follow(open, original.apply(this, call));
  });
}

/** v4's `commandOptions(…)`: an object marked with its own symbol. */
const isCommandOptions = (value: unknown): boolean => value !== null && typeof value === 'object'
  && Object.getOwnPropertySymbols(value).some((symbol) => symbol.description === 'Command Options');

function patchBatch(proto: object, method: string, kindOf: (call: any[]) => 'pipeline' | 'multi'): void {
  patchMethod(proto, method, (original) => function redisBatch(this: unknown, ...call: any[]) {
    const commands = Array.isArray(call[0]) ? (call[0] as { args: unknown[] }[]) : [];
    const open = openCommand('node-redis', { batch: kindOf(call), commands: commands.map((c) => asInput(c.args)) }, redisBatch);
    return follow(open, original.apply(this, call), true);
  });
}

/** `CLIENT ID` for `clientId` and `CLIENT_ID`: the name of the upper-case method it aliases. */
function v4Name(name: string, upperNames: readonly string[]): string {
  const upper = /^[A-Z0-9_]+$/.test(name) ? name : upperNames.find((u) => u.replace(/_/g, '') === name.toUpperCase()) ?? name.toUpperCase();
  return upper.replace(/_/g, ' ');
}

/** v4's command methods, as `attachCommands` writes them: `executor.call(this, command, args, name)`. */
const isV4Command = (fn: unknown) => typeof fn === 'function' && /executor\.call\(this, command, args, name\)/.test(String(fn));

const flatten = (args: readonly unknown[]): unknown[] => args.flatMap((arg) => (Array.isArray(arg) ? flatten(arg)
  : arg !== null && typeof arg === 'object' && !Buffer.isBuffer(arg) ? [] : [arg]));

function patchV4Commands(proto: Record<string, unknown>): void {
  // Descriptors, not reads: the prototype has getters that throw without an instance.
  const names = Object.getOwnPropertyNames(proto).filter((name) => isV4Command(Object.getOwnPropertyDescriptor(proto, name)?.value));
  const upperNames = names.filter((name) => /^[A-Z0-9_]+$/.test(name));
  for (const name of names) {
    const command = v4Name(name, upperNames);
    patchMethod(proto, name, (original) => function redisV4Command(this: unknown, ...args: unknown[]) {
      // The first argument may be `commandOptions(…)`, an object: left out with the other options.
      const open = openCommand('node-redis', { name: command, args: flatten(args) }, redisV4Command);
      return follow(open, original.apply(this, args));
    });
  }
}

/**
 * Records the commands of every client of the `redis` module passed (v4 or v5).
 *
 * @example
 * import * as redis from 'redis';
 * app.use(debugToolbar({ instrument: { redis } }));
 */
export function instrumentRedis(module: unknown): void {
  const m = module as { createClient?: unknown; default?: { createClient?: unknown } } | null;
  const createClient = (typeof m?.createClient === 'function' ? m.createClient : m?.default?.createClient) as ((options?: object) => object) | undefined;
  if (typeof createClient !== 'function') fail(module);
  const probe = createClient({});
  const proto = ownerOf(probe, 'sendCommand') as Record<string, AnyFunction> | null;
  if (!proto) fail(module);
  if (typeof proto._executeCommand === 'function' && typeof proto._executeMulti === 'function') {
    patchSend(proto);
    patchBatch(proto, '_executeMulti', () => 'multi');
    patchBatch(proto, '_executePipeline', () => 'pipeline');
  } else if (typeof proto.commandsExecutor === 'function' && typeof proto.multiExecutor === 'function') {
    patchSend(proto);
    patchBatch(proto, 'multiExecutor', (call) => (call[2] === undefined ? 'pipeline' : 'multi'));
    patchV4Commands(proto);
    patchV4Extensions(proto);
    // After the prototype's patches: the legacy accessors hand them out as they are.
    try {
      patchV4Legacy(proto, recordSend, createClient({ legacyMode: true }));
    } catch (error) {
      reportHookError(error);
    }
  } else {
    throw new TypeError('express-debug-toolbar: `instrument.redis` is a redis version the Cache panel does not know (v4 and v5 are supported)');
  }
}
