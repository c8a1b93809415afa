import { patchMethod } from '../../instrument/patch.js';
import { openCommand } from './commands.js';

/*
 * ioredis: a command alone goes through `Redis#sendCommand(command)`; a pipeline's `exec()` (and a
 * MULTI's, which is a pipeline between MULTI and EXEC) sends its queue through it too, in one
 * synchronous loop. `Pipeline#exec` is patched to record the whole queue as one round trip, and
 * its commands are then skipped by the `sendCommand` patch. A command sent again from the offline
 * queue once connected is seen once.
 *
 * What ioredis sends by itself is not the app's: a connection's handshake (AUTH, SELECT, CLIENT
 * SETNAME/SETINFO, READONLY and the INFO of its ready check, written while the connection's status
 * is `connect`, when the app's commands wait in the offline queue), and a Cluster's CLUSTER SLOTS
 * (from a duplicate connection, `getInfoFromNode`) and CLUSTER INFO (its `readyCheck`).
 *
 * A Cluster (`new Redis.Cluster(…)`) routes each command to a node's connection, a `Redis`:
 * `Cluster#sendCommand` is patched to record the app's call where it is made (a command the
 * Cluster queues until it is ready reaches a node later, with no frame of the app's), and the node
 * then skips it as seen; pipelines and MULTIs go through the same `Pipeline#exec`.
 */

interface IoCommand {
  name: string;
  args: unknown[];
  promise: Promise<unknown>;
}

interface IoPipeline {
  _queue?: IoCommand[];
  /** MULTIs opened in the pipeline whose EXEC the next `exec()` only queues. */
  _transactions?: number;
  promise?: Promise<unknown>;
}

function fail(value: unknown): never {
  throw new TypeError(`express-debug-toolbar: \`instrument.ioredis\` must be the ioredis module (\`import { Redis } from 'ioredis'\`), got ${value === null ? 'null' : typeof value}`);
}

const seen = new WeakSet<object>();

/** Commands a connection writes during its handshake, before the app's can be written. */
const HANDSHAKE = new Set(['auth', 'select', 'client', 'info', 'readonly', 'hello']);

/** Set while ioredis runs one of its own exchanges (a Cluster's slot refresh or ready check). */
let insideOwnExchange = 0;

/** Runs `original` with every command it sends marked as ioredis's own. */
function ownExchange(proto: Record<string, unknown>, method: string): void {
  patchMethod(proto, method, (original) => function ioredisOwnExchange(this: unknown, ...call: any[]) {
    insideOwnExchange++;
    try {
      return original.apply(this, call);
    } finally {
      insideOwnExchange--;
    }
  });
}

/** Whether ioredis sends `command` by itself (see the top of this file). */
function isOwnCommand(client: { status?: unknown }, command: IoCommand, stream: unknown): boolean {
  return insideOwnExchange > 0 || (client.status === 'connect' && stream === undefined && HANDSHAKE.has(String(command.name).toLowerCase()));
}

/** The patch of `sendCommand` of a connection (`Redis`) or of a Cluster. */
function recordSend(original: (...args: any[]) => unknown) {
  return function ioredisSendCommand(this: { status?: unknown }, ...call: any[]) {
    const command = call[0] as IoCommand | undefined;
    try {
      if (command && typeof command === 'object' && command.promise instanceof Promise && !seen.has(command)) {
        seen.add(command);
        if (!isOwnCommand(this, command, call[1])) {
          const open = openCommand('ioredis', { name: command.name, args: command.args }, ioredisSendCommand);
          if (open) command.promise.then((value) => open.reply(value), (error) => open.fail(error));
        }
      }
    } catch {
      // Never fail the app's command.
    }
    return original.apply(this, call);
  };
}

function recordPipeline(pipeline: IoPipeline, skipAbove: (...args: any[]) => unknown): void {
  const queue = pipeline._queue ?? [];
  if (seen.has(pipeline) || queue.length === 0 || !(pipeline.promise instanceof Promise)) return;
  seen.add(pipeline);
  for (const command of queue) seen.add(command);
  const multi = queue[0].name === 'multi' && queue[queue.length - 1].name === 'exec';
  const inner = multi ? queue.slice(1, -1) : queue;
  const open = openCommand('ioredis', { batch: multi ? 'multi' : 'pipeline', commands: inner.map((c) => ({ name: c.name, args: c.args })) }, skipAbove);
  if (!open) return;
  // `exec()` resolves with `[[error, reply], …]`; a MULTI's replies are in its EXEC's.
  pipeline.promise.then((results) => {
    const pairs = Array.isArray(results) ? (results as [unknown, unknown][]) : [];
    const error = pairs.find((pair) => pair?.[0])?.[0];
    if (error) open.fail(error);
    else open.reply(undefined);
    const replies = multi ? pairs[pairs.length - 1]?.[1] : pairs.map((pair) => pair?.[1]);
    open.replies?.(Array.isArray(replies) ? replies : []);
  }, (error) => open.fail(error));
}

/**
 * Records the commands of every ioredis client, pipelines and MULTIs as one round trip each.
 *
 * @example
 * import { Redis } from 'ioredis';
 * app.use(debugToolbar({ instrument: { ioredis: Redis } }));
 */
export function instrumentIoredis(module: unknown): void {
  type RedisClass = { prototype?: Record<string, unknown>; Pipeline?: { prototype?: Record<string, unknown> } };
  const m = module as (RedisClass & { default?: RedisClass }) | null;
  // The class itself, or the module as `import * as ioredis` gives it.
  const Redis = typeof m === 'function' && typeof (m as RedisClass).prototype?.pipeline === 'function' ? m as RedisClass
    : (m as { Redis?: RedisClass } | null)?.Redis ?? m?.default;
  const proto = Redis?.prototype;
  const pipelineProto = Redis?.Pipeline?.prototype;
  if (!proto || typeof proto.sendCommand !== 'function' || typeof pipelineProto?.exec !== 'function') fail(module);
  patchMethod(pipelineProto, 'exec', (original) => function ioredisExec(this: IoPipeline, ...call: any[]) {
    try {
      // Before the original sends the queue, so that its commands are known as the pipeline's.
      if (!(this._transactions! > 0)) recordPipeline(this, ioredisExec);
    } catch {
      // Never fail the app's pipeline.
    }
    return original.apply(this, call);
  });
  patchMethod(proto, 'sendCommand', recordSend);
  const clusterProto = (Redis as { Cluster?: { prototype?: Record<string, unknown> } }).Cluster?.prototype
    ?? (m as { Cluster?: { prototype?: Record<string, unknown> } }).Cluster?.prototype;
  if (clusterProto && typeof clusterProto.sendCommand === 'function') {
    patchMethod(clusterProto, 'sendCommand', recordSend);
    ownExchange(clusterProto, 'getInfoFromNode');
    ownExchange(clusterProto, 'readyCheck');
  }
}
