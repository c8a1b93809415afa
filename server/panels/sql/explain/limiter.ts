import type { ExplainTarget } from './targets.js';
import { runInternal } from '../../../request/context.js';

/** EXPLAINs that may hold a connection to one database at once, and that may wait for one. */
export const EXPLAIN_CONCURRENCY = 2;
export const EXPLAIN_QUEUE = 8;

/** Thrown when a database already has its EXPLAINs running and its queue is full: the endpoint answers 429. */
export class ExplainBusy extends Error {
  constructor(readonly running: number, readonly waiting: number) {
    super(`${running} EXPLAINs are already running on this database and ${waiting} are waiting; the toolbar opens at most `
      + `${running} connections to it, so that EXPLAIN never takes the app's own connections. Try again in a moment.`);
  }
}

/**
 * Bounds the connections EXPLAIN opens to one database: at most `concurrent` at once, up to
 * `queue` more waiting their turn, and beyond that a refusal ({@link ExplainBusy}) rather than a
 * connection the app's own pool needed (110 concurrent EXPLAIN ANALYZE of a slow query once
 * exhausted PostgreSQL's max_connections and the app answered 500).
 *
 * @example
 * const target = limitConnections(pgTarget(Client, settings)); // ≤ 2 connections, 8 waiting
 */
export function limitConnections(target: ExplainTarget, concurrent = EXPLAIN_CONCURRENCY, queue = EXPLAIN_QUEUE): ExplainTarget {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    const next = waiting.shift();
    if (next) {
      running++;
      next();
    }
  };
  const acquire = (): Promise<void> => {
    if (running < concurrent) {
      running++;
      return Promise.resolve();
    }
    if (waiting.length >= queue) return Promise.reject(new ExplainBusy(running, waiting.length));
    return new Promise((resolve) => waiting.push(resolve));
  };
  const held = async <T>(work: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      // The toolbar's own statements are in no record, not even the background stream.
      return await runInternal(work);
    } finally {
      release();
    }
  };
  return {
    dialect: target.dialect,
    withConnection: (work) => held(() => target.withConnection(work)),
    hold: (work) => held(() => work(target)),
  };
}

/**
 * Runs `work` with one of the target's slots held throughout, so that an action made of several
 * connections in turn (the what-if: the plan before, the plan with the index, the catalog read
 * again afterwards on a fresh connection) takes one slot, and is never refused as busy halfway.
 * A target without a limit is handed over as it is.
 *
 * @example
 * await holdSlot(target, async (own) => { await own.withConnection(first); await own.withConnection(second); });
 */
export function holdSlot<T>(target: ExplainTarget, work: (target: ExplainTarget) => Promise<T>): Promise<T> {
  return target.hold ? target.hold(work) : work(target);
}
