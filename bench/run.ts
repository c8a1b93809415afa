/**
 * `npm run bench`: throughput of a realistic page with no toolbar, the toolbar disabled and
 * enabled, as ratios to no toolbar measured in the same run; the per-query capture cost;
 * fingerprint throughput; bundle sizes; heap growth over a soak.
 *
 * Throughput on a shared machine drifts by ±20% within seconds, so the variants run in short
 * alternating slices and each round's ratio is taken against that round's baseline; the table
 * shows the median of those ratios. Absolute numbers are printed only for context.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureCaptureCost, measureFingerprints, measureSizes } from './micro.js';

const VARIANTS = ['none', 'disabled', 'enabled'] as const;
type Variant = (typeof VARIANTS)[number];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SLICE_SECONDS = Number(process.env.BENCH_SLICE ?? 1.5);
const SOAK_REQUESTS = Number(process.env.BENCH_SOAK ?? 100_000);
const APP = fileURLToPath(new URL('./app.ts', import.meta.url));

interface Server { variant: Variant; child: ChildProcess; url: string }

function start(variant: Variant): Promise<Server> {
  const child = fork(APP, [variant, '0'], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: { port: number }) => resolve({ variant, child, url: `http://127.0.0.1:${message.port}/page` }));
  });
}

async function throughput(url: string, seconds: number, amount?: number): Promise<number> {
  const result = await autocannon({ url, connections: 8, duration: seconds, amount });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

function heapOf(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { heapUsed: number }) => resolve(message.heapUsed));
    server.child.send('heap');
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fixed = (value: number, digits = 2) => value.toFixed(digits);

async function main() {
  const servers = await Promise.all(VARIANTS.map(start));
  const byVariant = Object.fromEntries(servers.map((s) => [s.variant, s])) as Record<Variant, Server>;
  try {
    for (const server of servers) await throughput(server.url, 1);
    const ratios: Record<Variant, number[]> = { none: [], disabled: [], enabled: [] };
    const absolute: Record<Variant, number[]> = { none: [], disabled: [], enabled: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so no variant always runs first (or last) in a round.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
      const measured = {} as Record<Variant, number>;
      for (const variant of order) measured[variant] = await throughput(byVariant[variant].url, SLICE_SECONDS);
      for (const variant of VARIANTS) {
        absolute[variant].push(measured[variant]);
        ratios[variant].push(measured[variant] / measured.none);
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS}\r`);
    }

    const capture = measureCaptureCost();
    const fingerprints = measureFingerprints();
    const sizes = measureSizes();

    const enabled = byVariant.enabled;
    const heapBefore = await heapOf(enabled);
    await throughput(enabled.url, 600, SOAK_REQUESTS);
    const heapAfter = await heapOf(enabled);

    const rows: [string, string, string][] = [
      ['throughput, toolbar disabled / none', fixed(median(ratios.disabled)), '≥ 0.99'],
      ['throughput, toolbar enabled / none', fixed(median(ratios.enabled)), '≥ 0.90'],
      ['per-query capture cost, one statement in a loop (µs, sampled stack included)', fixed(capture.perQueryMicros, 1), ''],
      ['  of which raw stack capture (µs)', fixed(capture.stackMicros, 1), ''],
      ['frames built from it when stored (µs per query)', fixed(capture.buildMicros, 1), ''],
      ['fingerprint, uncached (queries/s)', Math.round(fingerprints.uncachedPerSecond).toLocaleString('en'), '≥ 300,000'],
      ['fingerprint, cached (queries/s)', Math.round(fingerprints.cachedPerSecond).toLocaleString('en'), ''],
      ['launcher, gzipped (bytes)', String(sizes.launcherGzip), '≤ 3,072'],
      ['panel app, gzipped (bytes)', String(sizes.appGzip), ''],
      [`heap growth over ${SOAK_REQUESTS.toLocaleString('en')} requests (MB)`, fixed((heapAfter - heapBefore) / 1e6, 1), 'flat (ring buffer)'],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nexpress-debug-toolbar benchmark — node ${process.version}, ${ROUNDS} rounds of ${SLICE_SECONDS}s slices`);
    console.log(`${'measure'.padEnd(width)}  ${'value'.padStart(12)}  goal`);
    for (const [name, value, goal] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${goal}`);
    console.log(`\nper-round enabled/none ratios: ${ratios.enabled.map((r) => fixed(r)).join(' ')}`);
    console.log(`median req/s (context only): none ${Math.round(median(absolute.none))}, disabled ${Math.round(median(absolute.disabled))}, enabled ${Math.round(median(absolute.enabled))}`);
  } finally {
    for (const server of servers) server.child.kill();
  }
}

await main();
