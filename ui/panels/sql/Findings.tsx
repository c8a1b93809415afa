/** The findings above the table: duplicate groups and N+1 patterns, most repeated first. */
import type { DuplicateGroup, NPlusOneGroup } from '../../../server/types.js';
import { formatMs } from '../../app/format.js';
import { formatCallSite } from './callsite.js';

const preview = (sql: string): string => {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
};

export function Findings({ duplicates, nPlusOne }: { duplicates: DuplicateGroup[]; nPlusOne: NPlusOneGroup[] }) {
  if (duplicates.length === 0 && nPlusOne.length === 0) return null;
  const dups = [...duplicates].sort((a, b) => b.count - a.count);
  const n1 = [...nPlusOne].sort((a, b) => b.count - a.count);
  return (
    <section className="findings" aria-label="Findings">
      <ul>
        {n1.map((group) => (
          <li key={`n1-${group.fingerprint}`} className="finding danger">
            <span className="finding-title">
              N+1 ×{group.count}
              {group.callSite && (
                <>
                  {' at '}
                  <span className="callsite" title={formatCallSite(group.callSite, false)}>
                    {formatCallSite(group.callSite)}
                  </span>
                </>
              )}
            </span>
            <code className="finding-sql" title={group.sql}>
              {preview(group.sql)}
            </code>
            <span className="muted finding-meta">{formatMs(group.totalMs)} total</span>
          </li>
        ))}
        {dups.map((group) => (
          <li key={`dup-${group.fingerprint}-${group.queryIds.join(',')}`} className="finding warn">
            <span className="finding-title">Duplicate query ×{group.count}</span>
            <code className="finding-sql" title={group.sql}>
              {preview(group.sql)}
            </code>
            <span className="muted finding-meta">#{group.queryIds.join(', #')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
