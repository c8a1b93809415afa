/** In-process measurements for the benchmark: query capture, fingerprinting, bundle sizes. */
import Database from 'better-sqlite3';
import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../server/index.js';
import { requestContext } from '../server/request/context.js';
import { captureFramesLazily } from '../server/stack/callsite.js';
import { normalizeSql, fingerprint } from '../server/panels/sql/fingerprint.js';
import type { LiveRequest } from '../server/request/record.js';

function liveRequest(): LiveRequest {
  return {
    id: 'bench', method: 'GET', url: '/', status: 0, startedAt: Date.now(), durationMs: 0, contentType: null,
    queries: [], queryCount: 0, startTime: performance.now(), maxQueries: 1_000_000, finished: false,
  };
}

function deepStack<T>(depth: number, work: () => T): T {
  return depth === 0 ? work() : deepStack(depth - 1, work);
}

/** CPU microseconds, not wall time: what other processes do to this machine does not count. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function timePerCall(iterations: number, body: () => void): number {
  const started = cpuMicros();
  for (let i = 0; i < iterations; i++) body();
  return (cpuMicros() - started) / iterations;
}

/**
 * µs a recorded query costs more than the same query unpatched, from a 30-deep stack. The bare cost
 * is taken before the driver is patched: once patched, a query outside any request is recorded too
 * (as background work), so it is no baseline.
 */
export function measureCaptureCost() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES (\'a\'), (\'b\');');
  const statement = db.prepare('SELECT id, name FROM t WHERE id = ?');
  const iterations = 20_000;
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];
  const bare = median(Array.from({ length: 5 }, () => deepStack(30, () => timePerCall(iterations, () => statement.get(1)))));
  debugToolbar({ enabled: true, instrument: { betterSqlite3: Database } });
  const samples: { inside: number; stack: number; build: number }[] = [];
  for (let round = 0; round < 5; round++) {
    const inside = requestContext.run({ request: liveRequest() }, () =>
      deepStack(30, () => timePerCall(iterations, () => statement.get(1))));
    const stack = deepStack(30, () => timePerCall(iterations, () => captureFramesLazily()));
    const build = deepStack(30, () => timePerCall(iterations, () => captureFramesLazily()())) - stack;
    samples.push({ inside, stack, build });
  }
  return {
    perQueryMicros: median(samples.map((s) => s.inside)) - bare,
    stackMicros: median(samples.map((s) => s.stack)),
    buildMicros: median(samples.map((s) => s.build)),
  };
}

const CORPUS = [
  'SELECT id, name, email FROM users WHERE id = $1',
  'select * from "posts" where "author_id" in ($1, $2, $3, $4) order by "created_at" desc limit 20',
  "INSERT INTO comments (post_id, body, created_at) VALUES (?, ?, ?), (?, ?, ?)",
  "UPDATE accounts SET balance = balance - 10.50, updated_at = NOW() WHERE id = 42 AND status = 'active'",
  'SELECT p.id, p.title, a.name FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.published = true -- list',
  'DELETE FROM sessions WHERE expires_at < :now',
  'SELECT count(*) AS "count" FROM `orders` WHERE `customer_id` = ? AND `state` IN (\'paid\', \'shipped\')',
  'WITH recent AS (SELECT * FROM events WHERE ts > $1) SELECT type, count(*) FROM recent GROUP BY type',
];

/** Queries per second through the fingerprint: the normaliser alone, and with the cache warm. */
export function measureFingerprints() {
  const iterations = 200_000;
  const perSecond = (micros: number) => 1e6 / micros;
  timePerCall(iterations, () => normalizeSql(CORPUS[0])); // warm up the JIT
  let i = 0;
  const uncachedPerSecond = perSecond(timePerCall(iterations, () => normalizeSql(CORPUS[i++ % CORPUS.length])));
  const cachedPerSecond = perSecond(timePerCall(iterations, () => fingerprint(CORPUS[i++ % CORPUS.length])));
  return { uncachedPerSecond, cachedPerSecond };
}

/** Gzipped bytes of the launcher (with the chunks it imports) and of the panel app. */
export function measureSizes() {
  const folder = fileURLToPath(new URL('../dist/ui/', import.meta.url));
  const gzip = (file: string) => gzipSync(readFileSync(folder + file), { level: 9 }).length;
  // Chunks the launcher imports statically load with it; app.js is imported on first open only.
  const launcherSource = readFileSync(`${folder}launcher.js`, 'utf8');
  const staticImports = new Set([...launcherSource.matchAll(/from\s*["']\.\/([^"']+)["']/g)].map((m) => m[1]));
  const imported = readdirSync(folder).filter((file) => staticImports.has(file));
  return {
    launcherGzip: gzip('launcher.js') + imported.reduce((sum, file) => sum + gzip(file), 0),
    appGzip: gzip('app.js'),
  };
}
