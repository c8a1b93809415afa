import { patchMethod } from '../../instrument/patch.js';
import { openCommand } from './commands.js';

/*
 * ioredis: a command alone goes through `Redis#sendCommand(command)`; a pipeline's `exec()` (and a
 * MULTI's, which is a pipeline between MULTI and EXEC) sends its queue through it too, in one
 * synchronous loop. `Pipeline#exec` is patched to record the whole queue as one round trip, and
 * its commands are then skipped by the `sendCommand` patch. A command sent again from the offline
 * queue once connected is seen once.
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
  patchMethod(proto, 'sendCommand', (original) => function ioredisSendCommand(this: unknown, ...call: any[]) {
    const command = call[0] as IoCommand | undefined;
    try {
      if (command && typeof command === 'object' && command.promise instanceof Promise && !seen.has(command)) {
        seen.add(command);
        const open = openCommand('ioredis', { name: command.name, args: command.args }, ioredisSendCommand);
        if (open) command.promise.then((value) => open.reply(value), (error) => open.fail(error));
      }
    } catch {
      // Never fail the app's command.
    }
    return original.apply(this, call);
  });
}
