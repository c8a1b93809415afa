/**
 * `npm run bench`: throughput of three routes (20 pg queries + EJS page, 1 pg query as JSON, 20
 * better-sqlite3 queries + EJS page) with no toolbar, the toolbar disabled, enabled, and
 * OpenTelemetry tracing, as ratios to no toolbar measured in the same run; the CPU µs each adds per
 * request and per query; a CPU profile of where the enabled toolbar's time goes; the per-query
 * capture cost in-process; fingerprint rate; bundle sizes; heap and RSS over a soak.
 *
 * Throughput on a shared machine drifts by ±20% within seconds, so the variants run in short
 * alternating slices and each round's ratio is taken against that round's baseline; the table
 * shows the median of those ratios. Absolute numbers are printed only for context.
 *
 * Knobs: BENCH_ROUNDS (5), BENCH_SLICE seconds (1.5), BENCH_CONNECTIONS (10), BENCH_SOAK requests
 * (100000; 0 skips it), BENCH_ROUTES / BENCH_VARIANTS (comma lists, to measure a subset),
 * BENCH_PROFILE=0 skips the profile (BENCH_PROFILE_DIR=<dir> keeps each profiled process's .cpuprofile), BENCH_BASELINE_DIR=<checkout> adds a `baseline` variant: the
 * toolbar of another checkout (its dist/server, built), enabled, to compare two versions in one run.
 * The toolbar runs compiled (dist/server, as users run it); BENCH_SOURCE=1 runs its TypeScript.
 * BENCH_TOGETHER=1 loads the variants at the same time instead of in turn (each with
 * BENCH_CONNECTIONS): for comparing two versions, with BENCH_VARIANTS=enabled,baseline, on a machine
 * whose load drifts faster than a slice; the ratios are then of CPU shares, not of a lone server.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureCaptureCost, measureFingerprints, measureSizes } from './micro.js';
import { createPgSchema, dropPgSchema } from './pg-schema.js';
import type { ProfileSummary } from './profile.js';
import { measureTimelineRender } from './timeline-render.js';

const ALL_VARIANTS = ['none', 'disabled', 'enabled', 'otel', 'baseline'] as const;
type Variant = (typeof ALL_VARIANTS)[number];
const ROUTES = { 'pg-page': 20, 'pg-json': 1, 'sqlite-page': 20 } as const;
type Route = keyof typeof ROUTES;
const ROUTE_TITLES: Record<Route, string> = {
  'pg-page': '20 pg queries + EJS page',
  'pg-json': '1 pg query, JSON',
  'sqlite-page': '20 better-sqlite3 queries + EJS page',
};

const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SLICE_SECONDS = Number(process.env.BENCH_SLICE ?? 1.5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SOAK_REQUESTS = Number(process.env.BENCH_SOAK ?? 100_000);
const PROFILE = process.env.BENCH_PROFILE !== '0';
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR;
const TOGETHER = process.env.BENCH_TOGETHER === '1';
const routes = (list(process.env.BENCH_ROUTES) ?? Object.keys(ROUTES)) as Route[];
const variants: Variant[] = ['none', ...((list(process.env.BENCH_VARIANTS) as Variant[] | undefined)
  ?? ALL_VARIANTS.filter((v) => v !== 'baseline' || BASELINE_DIR)).filter((v) => v !== 'none')];
const APP = fileURLToPath(new URL('./app.ts', import.meta.url));

interface Server { variant: Variant; child: ChildProcess; base: string }

function start(variant: Variant, schema: string): Promise<Server> {
  const toolbarDir = variant === 'baseline' ? BASELINE_DIR : undefined;
  const child = fork(APP, [variant === 'baseline' ? 'enabled' : variant, '0'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: 'inherit',
    env: { ...process.env, BENCH_PG_SCHEMA: schema, ...(toolbarDir ? { BENCH_TOOLBAR_DIR: toolbarDir } : {}) },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${variant} exited with ${code}`)));
    child.once('message', (message: { port: number }) => resolve({ variant, child, base: `http://127.0.0.1:${message.port}` }));
  });
}

function ask<T>(server: Server, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (answer: Record<string, unknown>) => {
      if (!(key in answer)) return;
      server.child.off('message', listener);
      resolve(answer[key] as T);
    };
    server.child.on('message', listener);
    server.child.send(message);
  });
}

interface Slice { rps: number; requests: number; cpuMicros: number }

async function slice(server: Server, route: Route, seconds: number, amount?: number): Promise<Slice> {
  const cpuBefore = await ask<number>(server, 'cpu', 'cpu');
  const result = await autocannon({ url: `${server.base}/${route}`, connections: CONNECTIONS, duration: seconds, amount });
  const cpuAfter = await ask<number>(server, 'cpu', 'cpu');
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${server.variant} /${route}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, requests: result.requests.total, cpuMicros: (cpuAfter - cpuBefore) / result.requests.total };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fixed = (value: number, digits = 2) => value.toFixed(digits);

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`);
  for (const row of rows) console.log(line(row));
}

interface Profiled { summary: ProfileSummary; cpuMicros: number }

/**
 * Where the enabled toolbar's time goes on one route: µs per request by bucket (toolbar files,
 * packages, Node internals, GC), enabled minus none, so costs the toolbar causes outside its own
 * files (garbage collection, promise hooks) show too; then its own files and functions.
 */
function printProfile(route: Route, none: Profiled, enabled: Profiled): void {
  // Shares of the busy samples, scaled to the CPU µs the slice measured: the profile's own clock is
  // wall time, which a loaded machine stretches.
  const perRequest = (p: Profiled, samples: number) => (p.cpuMicros * samples) / Math.max(1, p.summary.totalSamples - p.summary.idleSamples);
  const busy = (p: Profiled) => p.cpuMicros;
  console.log(`\n/${route} (${ROUTE_TITLES[route]}): CPU µs/request none ${fixed(busy(none), 0)}, enabled ${fixed(busy(enabled), 0)}; `
    + `toolbar files ${fixed(perRequest(enabled, enabled.summary.toolbarSamples), 0)} µs/request`);
  const buckets = new Set([...none.summary.byBucket, ...enabled.summary.byBucket].map((b) => b.bucket));
  const samplesOf = (p: Profiled, bucket: string) => p.summary.byBucket.find((b) => b.bucket === bucket)?.samples ?? 0;
  const added = [...buckets].filter((b) => b !== '(idle)')
    .map((bucket) => ({ bucket, micros: perRequest(enabled, samplesOf(enabled, bucket)) - perRequest(none, samplesOf(none, bucket)) }))
    .sort((a, b) => b.micros - a.micros);
  console.log(`  added µs/request by where it runs: ${added.slice(0, 12).map((a) => `${a.bucket} ${fixed(a.micros, 0)}`).join(', ')}`);
  console.log(`  natives, enabled (µs/request, self): ${enabled.summary.natives.map((f) => `${f.name} ${fixed(perRequest(enabled, f.samples), 0)}`).join(', ')}`);
  console.log(`  toolbar files (µs/request): ${enabled.summary.byFile.slice(0, 10).map((f) => `${f.file} ${fixed(perRequest(enabled, f.samples), 0)}`).join(', ')}`);
  console.log(`  toolbar time by entry point (µs/request, with the natives it calls): ${enabled.summary.byEntry.map((f) => `${f.name} ${fixed(perRequest(enabled, f.samples), 0)}`).join(', ')}`);
  console.log(`  toolbar functions (µs/request, self): ${enabled.summary.byFunction.slice(0, 25).map((f) => `${f.name} ${fixed(perRequest(enabled, f.samples), 0)}`).join(', ')}`);
}

async function profile(server: Server, route: Route): Promise<Profiled> {
  await ask(server, 'profile-start', 'profiling');
  const { cpuMicros } = await slice(server, route, 2 * SLICE_SECONDS);
  return { summary: await ask<ProfileSummary>(server, 'profile-stop', 'profile'), cpuMicros };
}

async function main() {
  const schema = await createPgSchema();
  const servers: Server[] = [];
  try {
    for (const variant of variants) servers.push(await start(variant, schema));
    const byVariant = Object.fromEntries(servers.map((s) => [s.variant, s])) as Record<Variant, Server>;
    const load = loadavg()[0];
    for (const server of servers) for (const route of routes) await slice(server, route, 1);

    type Samples = Record<Route, Record<Variant, Slice[]>>;
    const samples = Object.fromEntries(routes.map((r) => [r, Object.fromEntries(variants.map((v) => [v, []]))])) as unknown as Samples;
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of routes) {
        // Rotate the order so no variant always runs first (or last) in a round.
        const order = variants.map((_, i) => variants[(i + round) % variants.length]);
        if (TOGETHER) {
          // All variants at once: the machine's other load hits them at the same instants, and the
          // scheduler shares the CPUs between them, so throughput compares their costs directly.
          const measured = await Promise.all(variants.map((variant) => slice(byVariant[variant], route, SLICE_SECONDS)));
          variants.forEach((variant, i) => samples[route][variant].push(measured[i]));
        } else {
          for (const variant of order) samples[route][variant].push(await slice(byVariant[variant], route, SLICE_SECONDS));
        }
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS}\r`);
    }
    const ratios = (route: Route, variant: Variant) => samples[route][variant].map((s, i) => s.rps / samples[route].none[i].rps);
    const addedMicros = (route: Route, variant: Variant) =>
      samples[route][variant].map((s, i) => s.cpuMicros - samples[route].none[i].cpuMicros);

    const rss = Object.fromEntries(await Promise.all(servers.map(async (s) =>
      [s.variant, (await ask<{ rss: number }>(s, 'heap', 'heap')).rss]))) as Record<Variant, number>;

    const profiles: [Route, Profiled, Profiled][] = [];
    if (PROFILE && byVariant.enabled) {
      for (const route of routes) profiles.push([route, await profile(byVariant.none, route), await profile(byVariant.enabled, route)]);
    }

    const capture = measureCaptureCost();
    const fingerprints = measureFingerprints();
    const sizes = measureSizes();
    const timelineRender = await measureTimelineRender();

    let soak: { heapMB: number; rssMB: number } | null = null;
    if (SOAK_REQUESTS > 0 && byVariant.enabled) {
      const before = await ask<{ heapUsed: number; rss: number }>(byVariant.enabled, 'heap', 'heap');
      await slice(byVariant.enabled, routes.includes('sqlite-page') ? 'sqlite-page' : routes[0], 3600, SOAK_REQUESTS);
      const after = await ask<{ heapUsed: number; rss: number }>(byVariant.enabled, 'heap', 'heap');
      soak = { heapMB: (after.heapUsed - before.heapUsed) / 1e6, rssMB: (after.rss - before.rss) / 1e6 };
    }

    console.log(`\nexpress-debug-toolbar benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, `
      + `load average ${fixed(load)} at start; ${ROUNDS} rounds of ${SLICE_SECONDS}s slices, ${CONNECTIONS} connections`);
    console.log('\nThroughput / no toolbar (median of per-round ratios), and the CPU µs each variant adds per request '
      + '(median of per-round differences, measured in the server process):\n');
    const measured = variants.filter((v) => v !== 'none');
    printTable(['route', ...measured.map((v) => `${v} / none`), ...measured.map((v) => `${v} +µs/req`), 'enabled +µs/query'],
      routes.map((route) => [
        ROUTE_TITLES[route],
        ...measured.map((v) => `${fixed(median(ratios(route, v)))} (${fixed(Math.min(...ratios(route, v)))}–${fixed(Math.max(...ratios(route, v)))})`),
        ...measured.map((v) => fixed(median(addedMicros(route, v)), 0)),
        byVariant.enabled ? fixed(median(addedMicros(route, 'enabled')) / ROUTES[route], 1) : '',
      ]));
    console.log(`\nmedian req/s (context only): ${routes.map((route) => `/${route} ${variants.map((v) =>
      `${v} ${Math.round(median(samples[route][v].map((s) => s.rps)))}`).join(', ')}`).join('; ')}`);
    console.log(`median CPU µs/request, none: ${routes.map((route) => `/${route} ${fixed(median(samples[route].none.map((s) => s.cpuMicros)), 0)}`).join(', ')}`);
    console.log(`RSS after the rounds (MB): ${servers.map((s) => `${s.variant} ${fixed(rss[s.variant] / 1e6, 0)}`).join(', ')}`);
    for (const [route, none, enabled] of profiles) printProfile(route, none, enabled);

    const rows: [string, string, string][] = [
      ['per-query capture cost, one statement in a loop (µs, sampled stack included)', fixed(capture.perQueryMicros, 1), ''],
      ['  of which raw stack capture (µs)', fixed(capture.stackMicros, 1), ''],
      ['frames built from it when stored (µs per query)', fixed(capture.buildMicros, 1), ''],
      ['fingerprint, uncached (queries/s)', Math.round(fingerprints.uncachedPerSecond).toLocaleString('en'), '≥ 300,000'],
      ['fingerprint, cached (queries/s)', Math.round(fingerprints.cachedPerSecond).toLocaleString('en'), ''],
      [`timeline panel, first render of 500 spans in jsdom (ms; ${timelineRender.rows} rows drawn)`, fixed(timelineRender.medianMs, 0), ''],
      ['launcher, gzipped (bytes)', String(sizes.launcherGzip), '≤ 3,072'],
      ['panel app, gzipped (bytes)', String(sizes.appGzip), ''],
      ...(soak ? [
        [`heap growth over ${SOAK_REQUESTS.toLocaleString('en')} requests (MB)`, fixed(soak.heapMB, 1), 'flat (ring buffer)'],
        [`RSS growth over ${SOAK_REQUESTS.toLocaleString('en')} requests (MB)`, fixed(soak.rssMB, 1), ''],
      ] as [string, string, string][] : []),
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\n${'measure'.padEnd(width)}  ${'value'.padStart(12)}  goal`);
    for (const [name, value, goal] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${goal}`);
    for (const route of routes) {
      console.log(`per-round enabled/none ratios, /${route}: ${byVariant.enabled ? ratios(route, 'enabled').map((r) => fixed(r)).join(' ') : '-'}`);
    }
  } finally {
    for (const server of servers) server.child.kill();
    await dropPgSchema(schema);
  }
}

await main();
