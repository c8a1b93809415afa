/**
 * The plan's nodes as an indented table, in the database's own words: each node's title, its
 * conditions and counters under their own names, estimated and actual rows per loop, loops, cost,
 * time over all loops and own time, a bar, the hot node marked.
 */
import { formatMs } from '../../../app/format.js';
import type { PlanView } from './plan.js';

const num = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);

export function PlanTree({ view, analyzed, label = 'Plan nodes' }: { view: PlanView; analyzed: boolean; label?: string }) {
  const hasTime = view.rows.some((r) => r.node.timeMs !== null && r.node.timeMs !== undefined);
  const hasLoops = view.rows.some((r) => (r.node.loops ?? 1) !== 1);
  const hotLabel = view.measure === 'time' ? 'Largest own time' : 'Largest own cost';
  return (
    <table className="plan-tree" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Operation</th>
          <th scope="col" className="num" title="Rows the planner expected, per loop">Est. rows</th>
          {analyzed && <th scope="col" className="num" title="Rows the node returned, per loop">Actual rows</th>}
          {analyzed && hasLoops && <th scope="col" className="num">Loops</th>}
          <th scope="col" className="num">Cost</th>
          {hasTime && <th scope="col" className="num" title="Actual time × loops, children included">Time</th>}
          {hasTime && <th scope="col" className="num" title="Time minus the children's">Own</th>}
          <th scope="col" className="bar-col">
            <span className="sr-only">Share</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {view.rows.map((row, i) => {
          const { node } = row;
          const misestimate = analyzed && !node.neverExecuted && node.actualRows !== null && node.estimatedRows !== null && node.estimatedRows > 0
            ? Math.max(node.actualRows, 1) / node.estimatedRows
            : null;
          return (
            <tr key={i} className={`plan-node${row.hot ? ' is-hot' : ''}${node.neverExecuted ? ' never' : ''}`}>
              <td className="plan-op" style={{ paddingLeft: 8 + row.depth * 16 }}>
                {node.subplan && <div className="plan-subplan">{node.subplan}</div>}
                {row.depth > 0 && <span className="plan-arrow" aria-hidden="true">→ </span>}
                <strong className="plan-label">{node.label ?? node.operation}</strong>
                {row.hot && (
                  <span className="flag danger hot-flag" title={hotLabel}>
                    hot
                  </span>
                )}
                {(node.details ?? []).map((d, j) => (
                  <div key={`d${j}`} className="plan-detail">
                    <span className="plan-detail-name">{d.name}:</span> {d.text}
                  </div>
                ))}
                {(node.counters ?? []).map((c, j) => (
                  <div key={`c${j}`} className="plan-detail">
                    <span className="plan-detail-name">{c.name}:</span> {num(c.value)}
                  </div>
                ))}
              </td>
              <td className="num">{num(node.estimatedRows)}</td>
              {analyzed && (
                <td className={misestimate !== null && (misestimate > 10 || misestimate < 0.1) ? 'num misestimate' : 'num'}>
                  {node.neverExecuted ? 'never executed' : num(node.actualRows)}
                </td>
              )}
              {analyzed && hasLoops && <td className="num">{num(node.loops)}</td>}
              <td className="num">{num(node.cost)}</td>
              {hasTime && <td className="num">{node.timeMs === null || node.timeMs === undefined ? '—' : formatMs(node.timeMs, 3)}</td>}
              {hasTime && <td className="num">{row.self === null ? '—' : formatMs(row.self, 3)}</td>}
              <td className="bar-col">
                <span className="plan-bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(row.value ? 1 : 0, Math.round(row.share * 100))}%` }} />
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
