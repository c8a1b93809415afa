/**
 * Cost of one call-site capture, as every recorded query pays it: 10,000 captures from a 40-deep
 * stack, in two shapes: 40 frames of user code, and 2 user frames under 38 frames of a dependency
 * (an ORM's internals, written to a temporary node_modules folder) with the capture at the bottom. Prints µs per capture, best
 * and median of 5 rounds. Run: `npx tsx bench/callsite-capture.ts`.
 * Before/after: `CALLSITE_MODULE=$PWD/old-callsite.ts npx tsx bench/callsite-capture.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { RawFrame } from '../server/types.js';

// CALLSITE_MODULE=path/to/old/callsite.ts compares another version under the same load.
const { captureFrames, isUserFrame } = (await import(process.env.CALLSITE_MODULE ?? '../server/stack/callsite.js')) as {
  captureFrames: () => RawFrame[];
  isUserFrame: (frame: RawFrame) => boolean;
};

const ROUNDS = 5;
const CAPTURES = 10_000;
const DEPTH = 40;

const libraryDir = join(tmpdir(), `edt-bench-${process.pid}`, 'node_modules', 'deep-orm');
mkdirSync(libraryDir, { recursive: true });
writeFileSync(join(libraryDir, 'index.cjs'),
  'exports.nest = function nest(depth, atBottom) { return depth === 0 ? atBottom() : nest(depth - 1, atBottom); };\n');
const library = createRequire(import.meta.url)(join(libraryDir, 'index.cjs')) as {
  nest: (depth: number, atBottom: () => unknown) => { length: number };
};

function nest(depth: number, atBottom: () => number): number {
  return depth === 0 ? atBottom() : nest(depth - 1, atBottom) + 0;
}

const shapes: Record<string, () => number> = {
  userDeep: () => nest(DEPTH, () => captureFrames().length),
  libraryDeep: () => nest(2, () => library.nest(DEPTH - 2, captureFrames).length),
};

function round(run: () => number): number {
  let kept = 0;
  const start = performance.now();
  for (let i = 0; i < CAPTURES; i++) kept += run();
  if (kept === 0) throw new Error('nothing captured');
  return ((performance.now() - start) * 1000) / CAPTURES;
}

for (const [name, run] of Object.entries(shapes)) {
  round(run); // warm-up
  const results = Array.from({ length: ROUNDS }, () => round(run)).sort((a, b) => a - b);
  let frames: RawFrame[] = [];
  nest(2, () => (frames = library.nest(DEPTH - 2, captureFrames) as unknown as typeof frames).length);
  console.log(JSON.stringify({
    shape: name,
    bestUs: Number(results[0].toFixed(2)),
    medianUs: Number(results[Math.floor(ROUNDS / 2)].toFixed(2)),
    ...(name === 'libraryDeep' ? { kept: frames.length, userFramesKept: frames.filter(isUserFrame).length } : {}),
  }));
}
