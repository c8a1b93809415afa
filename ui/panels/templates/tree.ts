/**
 * The render tree: templates nested by `parentId` (partials and includes under their view), with
 * each one's self time (its duration minus its children's and its compile time) to find the slowest.
 */
import type { TemplateRender } from '../../../server/types.js';

export interface TemplateRow {
  template: TemplateRender;
  depth: number;
  childCount: number;
  /** Own time: `durationMs` minus the children's and the compile's (`compileMs`), never below zero. */
  selfMs: number;
}

/**
 * Rows depth first in the order the server gave; `collapsed` hides descendants. Orphans are roots.
 *
 * @example
 * templateRows([{ id: 'a', parentId: null, durationMs: 9, … }, { id: 'b', parentId: 'a', durationMs: 4, … }], new Set())
 * // → [{ template: a, depth: 0, selfMs: 5 }, { template: b, depth: 1, selfMs: 4 }]
 */
export function templateRows(templates: readonly TemplateRender[], collapsed: ReadonlySet<string> = new Set()): TemplateRow[] {
  const ids = new Set(templates.map((t) => t.id));
  const children = new Map<string | null, TemplateRender[]>();
  for (const t of templates) {
    const parent = t.parentId !== null && ids.has(t.parentId) && t.parentId !== t.id ? t.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(t);
    children.set(parent, list);
  }
  const rows: TemplateRow[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const template of children.get(parent) ?? []) {
      if (seen.has(template.id)) continue;
      seen.add(template.id);
      const kids = children.get(template.id) ?? [];
      const childMs = kids.reduce((sum, k) => sum + (k.durationMs || 0), 0);
      rows.push({ template, depth, childCount: kids.length, selfMs: Math.max(0, (template.durationMs || 0) - childMs - (template.compileMs || 0)) });
      if (!collapsed.has(template.id)) walk(template.id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

/** The id of the template with the largest self time, or null when none took any time. */
export function slowestTemplate(templates: readonly TemplateRender[]): string | null {
  let best: TemplateRow | null = null;
  for (const row of templateRows(templates)) if (row.selfMs > 0 && (!best || row.selfMs > best.selfMs)) best = row;
  return best?.template.id ?? null;
}
