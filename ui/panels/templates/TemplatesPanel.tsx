/**
 * The Templates tab: the render tree with engine, file, times, queries (opening the SQL tab
 * filtered to them) and the names of the locals; the template with the largest self time marked.
 */
import { useMemo, useState } from 'react';
import { formatMs, pluralize } from '../../app/format.js';
import { useNavigation } from '../../app/navigation.js';
import type { PanelViewProps } from '../../app/panel.js';
import { shortPath } from '../sql/callsite.js';
import { slowestTemplate, templateRows, type TemplateRow } from './tree.js';

export const EMPTY_TEMPLATES = 'No templates were rendered for this request.';

export function TemplatesPanel({ detail }: PanelViewProps) {
  const templates = useMemo(() => detail.panels.templates?.renders ?? [], [detail.panels.templates]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => templateRows(templates, collapsed), [templates, collapsed]);
  const slowest = useMemo(() => slowestTemplate(templates), [templates]);
  const { showQueries } = useNavigation();
  if (templates.length === 0) return <p className="state">{EMPTY_TEMPLATES}</p>;

  const toggle = (id: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const total = rows.filter((r) => r.depth === 0).reduce((sum, r) => sum + (r.template.durationMs || 0), 0);

  return (
    <div className="templates-panel">
      <div className="toolbar">
        <span className="summary">
          <strong>{pluralize(templates.length, 'template')}</strong>
          <span className="muted"> · {formatMs(total)} rendering</span>
        </span>
      </div>
      <table className="templates" aria-label="Rendered templates">
        <thead>
          <tr>
            <th scope="col">Template</th>
            <th scope="col">Engine</th>
            <th scope="col">File</th>
            <th scope="col" className="num">Duration</th>
            <th scope="col" className="num" title="Duration minus its partials' and includes'">Self</th>
            <th scope="col" className="num">Queries</th>
            <th scope="col">Locals</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <TemplateRowView
              key={row.template.id}
              row={row}
              slowest={row.template.id === slowest}
              expanded={row.childCount > 0 ? !collapsed.has(row.template.id) : undefined}
              onToggle={toggle}
              onQueries={() => showQueries(row.template.queryIds, `template ${row.template.name}`)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface RowProps {
  row: TemplateRow;
  slowest: boolean;
  expanded: boolean | undefined;
  onToggle: (id: string) => void;
  onQueries: () => void;
}

function TemplateRowView({ row, slowest, expanded, onToggle, onQueries }: RowProps) {
  const { template: t, depth } = row;
  const queryCount = t.queryIds?.length ?? 0;
  return (
    <tr className={slowest ? 'is-slowest' : undefined}>
      <td className="tpl-name" style={{ paddingLeft: 8 + depth * 16 }}>
        {expanded !== undefined ? (
          <button type="button" className="expand-button" aria-expanded={expanded} aria-label={`${t.name}: ${row.childCount} nested`} onClick={() => onToggle(t.id)}>
            <svg viewBox="0 0 16 16" width="10" height="10" aria-hidden="true" focusable="false">
              <path d="M5 3l6 5-6 5z" fill="currentColor" />
            </svg>
          </button>
        ) : (
          <span className="tpl-spacer" />
        )}
        <span className="tpl-title">{t.name}</span>
        {slowest && (
          <span className="flag warn" title="The largest self time of this request's templates">
            slowest
          </span>
        )}
        {t.compileMs !== undefined && t.compileMs > 0 && (
          <span className="flag muted-flag" title={`Compiled during this render (first render, or the view cache off): ${formatMs(t.compileMs)}, counted in its time but not in its self time`}>
            compiled {formatMs(t.compileMs)}
          </span>
        )}
        {t.inlined && (
          <span className="flag muted-flag" title="Compiled into its parent: listed, not timed">
            inlined
          </span>
        )}
      </td>
      <td className="muted">{t.engine}</td>
      <td className="tpl-file">{t.file ? <span title={t.file}>{shortPath(t.file)}</span> : <span className="muted">—</span>}</td>
      <td className="num">{t.inlined ? '—' : formatMs(t.durationMs)}</td>
      <td className="num">{t.inlined ? '—' : formatMs(row.selfMs)}</td>
      <td className="num">
        {queryCount > 0 ? (
          <button type="button" className="small-button" aria-label={`Show the ${pluralize(queryCount, 'query', 'queries')} of ${t.name} in the SQL tab`} onClick={onQueries}>
            {queryCount}
          </button>
        ) : (
          <span className="muted">0</span>
        )}
      </td>
      <td className="tpl-locals">
        {t.localKeys?.length ? (
          <span className="tpl-locals-list">
            {t.localKeys.map((key) => (
              <code key={key}>{key}</code>
            ))}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
