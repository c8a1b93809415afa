/**
 * The waterfall's model: spans nested by `parentId`, the rows left visible by collapsed ones,
 * and a time axis with round tick values. Pure, and linear in the number of spans.
 */
import type { TimelineSpan } from '../../../server/types.js';

export interface SpanNode {
  span: TimelineSpan;
  children: SpanNode[];
}

export interface SpanRow {
  span: TimelineSpan;
  depth: number;
  childCount: number;
}

/**
 * Nests spans by `parentId`, children by start time; a span whose parent is missing (or that
 * would make a cycle) becomes a root, so no span is ever lost.
 *
 * @example
 * buildSpanTree([{ id: 'a', parentId: null, … }, { id: 'b', parentId: 'a', … }])
 * // → [{ span: a, children: [{ span: b, children: [] }] }]
 */
export function buildSpanTree(spans: readonly TimelineSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) if (!nodes.has(span.id)) nodes.set(span.id, { span, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentId !== null ? nodes.get(node.span.parentId) : undefined;
    if (parent && parent !== node && !isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.span.startMs - b.span.startMs;
  const sort = (list: SpanNode[]) => {
    list.sort(byStart);
    for (const node of list) if (node.children.length > 1) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** True when `node` is an ancestor of `candidate` by parentId links (a cycle in the data). */
function isAncestor(node: SpanNode, candidate: SpanNode, nodes: ReadonlyMap<string, SpanNode>): boolean {
  let current: SpanNode | undefined = candidate;
  for (let steps = 0; current && steps <= nodes.size; steps++) {
    if (current.span.parentId === node.span.id) return true;
    current = current.span.parentId !== null ? nodes.get(current.span.parentId) : undefined;
  }
  return false;
}

/** The rows to draw: depth first, skipping the descendants of collapsed spans. */
export function visibleRows(roots: readonly SpanNode[], collapsed: ReadonlySet<string>): SpanRow[] {
  const rows: SpanRow[] = [];
  const walk = (list: readonly SpanNode[], depth: number) => {
    for (const node of list) {
      rows.push({ span: node.span, depth, childCount: node.children.length });
      if (node.children.length > 0 && !collapsed.has(node.span.id)) walk(node.children, depth + 1);
    }
  };
  walk(roots, 0);
  return rows;
}

export interface TimeAxis {
  start: number;
  end: number;
  ticks: number[];
}

/**
 * A shared axis from the earliest start to the latest end, with 4–10 ticks at round values.
 *
 * @example
 * timeAxis([{ startMs: 0, durationMs: 48, … }]).ticks // → [0, 10, 20, 30, 40]
 */
export function timeAxis(spans: readonly Pick<TimelineSpan, 'startMs' | 'durationMs'>[]): TimeAxis {
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.startMs);
    end = Math.max(end, s.startMs + Math.max(0, s.durationMs ?? 0));
  }
  if (!Number.isFinite(start)) return { start: 0, end: 1, ticks: [0] };
  start = Math.min(0, start);
  if (end <= start) end = start + 1;
  const step = niceStep((end - start) / 6);
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end + 1e-9; t += step) ticks.push(Number(t.toFixed(6)));
  return { start, end, ticks };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? 10 * power);
}

/** `query-12` → 12: the SQL tab can show that query. */
export function queryIdOfSpan(span: Pick<TimelineSpan, 'id' | 'kind'>): number | null {
  const match = /^query-(\d+)$/.exec(span.id);
  return match ? Number(match[1]) : null;
}

export const KNOWN_KINDS = ['request', 'middleware', 'handler', 'query', 'render', 'http', 'milestone'] as const;
const KNOWN: ReadonlySet<string> = new Set(KNOWN_KINDS);

/** The colour class of a kind: its own for the known ones, a neutral `other` for the rest. */
export const kindClass = (kind: string): string => (KNOWN.has(kind) ? kind : 'other');
