/** The plan's nodes as an indented table: what each does, rows, cost, time, a bar, the hot node marked. */
import { formatMs } from '../../../app/format.js';
import type { PlanView } from './plan.js';

const num = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);

export function PlanTree({ view, analyzed }: { view: PlanView; analyzed: boolean }) {
  const hasTime = view.rows.some((r) => r.node.timeMs !== null);
  const hotLabel = view.measure === 'time' ? 'Largest self time' : 'Largest self cost';
  return (
    <table className="plan-tree" aria-label="Plan nodes">
      <thead>
        <tr>
          <th scope="col">Operation</th>
          <th scope="col" className="num">Est. rows</th>
          {analyzed && <th scope="col" className="num">Actual rows</th>}
          <th scope="col" className="num">Cost</th>
          {hasTime && <th scope="col" className="num">Time</th>}
          <th scope="col" className="bar-col">
            <span className="sr-only">Share</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {view.rows.map((row, i) => {
          const { node } = row;
          const misestimate =
            analyzed && node.actualRows !== null && node.estimatedRows !== null && node.estimatedRows > 0
              ? node.actualRows / node.estimatedRows
              : null;
          return (
            <tr key={i} className={row.hot ? 'plan-node is-hot' : 'plan-node'}>
              <td className="plan-op" style={{ paddingLeft: 8 + row.depth * 16 }}>
                {row.depth > 0 && <span className="plan-arrow" aria-hidden="true">→ </span>}
                <strong>{node.operation}</strong>
                {node.relation && (
                  <>
                    {' on '}
                    <span className="plan-rel">{node.relation}</span>
                  </>
                )}
                {node.index && (
                  <>
                    {' using '}
                    <span className="plan-index">{node.index}</span>
                  </>
                )}
                {row.hot && (
                  <span className="flag danger hot-flag" title={hotLabel}>
                    hot
                  </span>
                )}
                {node.filter && <div className="plan-filter">Filter: {node.filter}</div>}
              </td>
              <td className="num">{num(node.estimatedRows)}</td>
              {analyzed && (
                <td className={misestimate !== null && (misestimate > 10 || misestimate < 0.1) ? 'num misestimate' : 'num'}>
                  {num(node.actualRows)}
                </td>
              )}
              <td className="num">{num(node.cost)}</td>
              {hasTime && <td className="num">{node.timeMs === null ? '—' : formatMs(node.timeMs, 3)}</td>}
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
