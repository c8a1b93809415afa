import type { LiveRequest } from '../../request/record.js';
import type { PanelSettings, ServerPanel } from '../panel.js';
import { DRIVERS, patchDriver } from './drivers/drivers.js';
import { uninstrumentedDriverWatch } from './drivers/unpatched-copies.js';
import { ORM_KEYS } from './orm/index.js';
import { ORM_CALL_HOOKS } from './orm-calls/registry.js';
import { badgeCounts } from './badge.js';
import { sqlDetail, sqlSummary } from './read.js';
import { sqlRoutes } from './routes.js';
import type { SqlDetail } from '../../types.js';

export type { Instrumentable } from './drivers/drivers.js';

/**
 * The ORM objects: their schema is read lazily when a fix needs it (orm/index.ts); Prisma, TypeORM
 * and drizzle also get their calls wrapped so each query keeps the ORM call that made it (orm-calls/).
 */
const ORMS = Object.fromEntries(ORM_KEYS.map((key) => [key, (orm: unknown) => ORM_CALL_HOOKS[key]?.(orm)]));

/** While a request runs: its record (the queries the drivers add), and the threshold and budget of its toolbar. */
interface SqlState {
  live: LiveRequest;
  threshold: number;
  budget: number;
}

/** Logs, once each, the drivers the app loaded that `instrument` left out. */
const watchDrivers = uninstrumentedDriverWatch();

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The SQL panel: every query a request ran through the instrumented drivers, grouped into findings
 * (N+1 per loop with a fix, duplicates, budget), EXPLAIN plans and index advice. The queries
 * themselves are recorded on the core's request record (capture.ts, called by each driver, adds them to the
 * request in context, tasks and socket events included); everything derived is this panel's.
 */
export const sqlPanel: ServerPanel<SqlState, undefined, SqlDetail> = {
  id: 'sql',
  title: 'SQL',
  instrument: {
    ...Object.fromEntries(Object.entries(DRIVERS).map(([key, patch]) => [key, patchDriver(patch)])),
    ...ORMS,
  },
  start: ({ live, settings }) => ({ live, threshold: settings.nPlusOneThreshold, budget: settings.queryBudget }),
  finish() {
    // By now the app (or its ORM) has loaded the drivers this request used.
    watchDrivers();
    return undefined;
  },
  summary: (record, settings: PanelSettings) => sqlSummary(record, settings),
  readsRecord: true,
  detail: (_stored, record, settings) => sqlDetail(record, settings),
  badge({ live, threshold, budget }) {
    // While the page is sent: SQL text, params and cached fingerprints only (badge.ts).
    const counts = badgeCounts(live, threshold);
    const say = [plural(counts.queryCount, 'query', 'queries')];
    if (counts.duplicateCount > 0) say.push(`${counts.duplicateCount} duplicated`);
    if (counts.nPlusOneCount > 0) say.push(`${counts.nPlusOneCount} N+1`);
    // The same rule as the list line's flags, which colour the sum of the page's fetches.
    const warn = counts.duplicateCount > 0 || counts.nPlusOneCount > 0 || counts.queryCount > budget;
    return {
      label: 'SQL',
      text: String(counts.queryCount),
      say: say.join(', '),
      ...(warn ? { tone: 'warn' as const } : {}),
      fetches: { sum: 'queryCount', warnIf: ['duplicateCount', 'nPlusOneCount', 'overBudget'] },
    };
  },
  serverTiming({ live }) {
    const now = performance.now() - live.startTime;
    let durationMs = 0;
    for (const query of live.queries) durationMs += query.durationMs ?? now - query.startMs;
    return [{ name: 'db', durationMs, description: plural(live.queryCount, 'query', 'queries') }];
  },
  routes: sqlRoutes,
};
