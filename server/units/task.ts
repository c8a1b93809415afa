import { runAsUnit } from './unit.js';

/** `recordTask.wrap`'s name: a string, or computed from the wrapped function's arguments (a job's id). */
export type TaskName<A extends unknown[]> = string | ((...args: A) => string);

/**
 * Records everything `fn` does (queries, awaited or not) as one History entry of kind `task`,
 * named `name`, with the same SQL findings as a request: for jobs, scripts, queue consumers and
 * cron callbacks, which no request covers. Returns what `fn` returns; what it throws is rethrown
 * untouched (and recorded). Without an enabled toolbar it just runs `fn`.
 *
 * @example
 * import { recordTask } from 'express-debug-toolbar';
 * setInterval(() => recordTask('heartbeat', () => checkMonitors()), 20_000);
 */
export function recordTask<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  return runAsUnit('task', String(name), fn);
}

/**
 * The wrapper form for job libraries that take a handler: each call is recorded as a task.
 *
 * @example
 * queue.process(recordTask.wrap((job) => `email ${job.id}`, async (job) => sendEmail(job.data)));
 */
recordTask.wrap = function wrap<A extends unknown[], T>(name: TaskName<A>, fn: (...args: A) => T | Promise<T>): (...args: A) => Promise<T> {
  return function recordedTask(this: unknown, ...args: A) {
    let label: string;
    try {
      label = typeof name === 'function' ? String(name(...args)) : String(name);
    } catch {
      label = fn.name || 'task';
    }
    return recordTask(label, () => fn.apply(this, args));
  };
};
