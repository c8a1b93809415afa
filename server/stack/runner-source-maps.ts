import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/*
 * ts-node (and other require hooks) compile TypeScript in memory and keep the source maps to
 * themselves: they map `error.stack` through source-map-support's `Error.prepareStackTrace`, not
 * through Node's source maps, so without `--enable-source-maps` `module.findSourceMap` knows
 * nothing and V8's structured call sites carry the compiled JavaScript's lines under the `.ts`
 * file's name. The runner's own copy of source-map-support answers for them: ts-node's
 * `@cspotcode/source-map-support` shares its handlers (ts-node's in-memory output) between all its
 * copies through a global, and exports `mapSourcePosition`.
 */

interface Position {
  source: string;
  line: number;
  /** 0-based, as source-map-support takes and gives it. */
  column: number;
}

interface SourceMapSupport {
  mapSourcePosition?: (position: Position) => Position & { source: string | null };
}

/** The frame's position in the runner's source, 1-based. */
export interface RunnerPosition {
  file: string;
  line: number;
  column: number;
}

const requireCache = createRequire(import.meta.url).cache;
const SUPPORT_ENTRY = /[\\/]node_modules[\\/](@cspotcode[\\/])?source-map-support[\\/]source-map-support\.js$/;
const SHARED_DATA = Symbol.for('source-map-support/sharedData');

let support: SourceMapSupport | null = null;
let scannedCacheSize = -1;

/** The loaded source-map-support that formats stacks, ts-node's first; looked for again only when more modules loaded. */
function loadedSupport(): SourceMapSupport | null {
  if (support) return support;
  const files = Object.keys(requireCache);
  if (files.length === scannedCacheSize) return null;
  scannedCacheSize = files.length;
  const entries = files.filter((file) => SUPPORT_ENTRY.test(file));
  // ts-node's fork first: its handlers are shared by every copy, so any copy answers for ts-node.
  entries.sort((a, b) => Number(b.includes('@cspotcode')) - Number(a.includes('@cspotcode')));
  for (const file of entries) {
    const exports = requireCache[file]?.exports as SourceMapSupport | undefined;
    if (typeof exports?.mapSourcePosition === 'function') {
      support = exports;
      break;
    }
  }
  return support;
}

/**
 * Where `file:line:column` (1-based, as V8 reports it) came from in the source the runner
 * compiled, or null when no loaded source-map-support has a map for the file.
 *
 * @example
 * mapThroughRunner('/app/src/users.ts', 48, 17) // { file: '/app/src/users.ts', line: 31, column: 17 } under ts-node
 */
export function mapThroughRunner(file: string, line: number, column: number): RunnerPosition | null {
  const mapSourcePosition = loadedSupport()?.mapSourcePosition;
  if (!mapSourcePosition) return null;
  const position: Position = { source: file, line, column: column - 1 };
  const mapped = mapSourcePosition(position);
  // Without a map it hands back the very position it was given.
  if (!mapped || mapped === position || typeof mapped.source !== 'string' || typeof mapped.line !== 'number') return null;
  const source = mapped.source.startsWith('file://') ? fileURLToPath(mapped.source) : mapped.source;
  return { file: source, line: mapped.line, column: (mapped.column ?? 0) + 1 };
}

/**
 * Whether `error.stack` strings are source-mapped already: by Node (tsx, `--enable-source-maps`,
 * `process.setSourceMapsEnabled`) or by a runner's source-map-support (ts-node). Mapping their
 * frames again would move them to unrelated lines.
 *
 * @example
 * stacksAreSourceMapped() // true under tsx and ts-node, false under plain node
 */
export function stacksAreSourceMapped(): boolean {
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true) return true;
  const shared = (globalThis as Record<symbol, { errorPrepareStackTraceHook?: { installedValue?: unknown } } | undefined>)[SHARED_DATA];
  const installed = shared?.errorPrepareStackTraceHook?.installedValue;
  if (installed !== undefined && Error.prepareStackTrace === installed) return true;
  // The original source-map-support keeps no shared state; its hook is a function of its own name.
  return Error.prepareStackTrace?.name === 'prepareStackTrace' && loadedSupport() !== null;
}
