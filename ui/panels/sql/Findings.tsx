/**
 * The findings the SQL tab leads with. Each is a disclosure: its queries (highlight one, or
 * filter the table to all of them), the user-code frames behind it, and the fix.
 */
import { useId, useMemo, useState } from 'react';
import type { QueryRecord } from '../../../server/types.js';
import type { SqlView } from './sql-view.js';
import { formatMs, pluralize } from '../../app/format.js';
import { useNavigation } from '../../app/navigation.js';
import { formatCallSite } from './callsite.js';
import { editorLinkFrom, type EditorLink } from './editor-link.js';
import { FindingFix } from './FindingFix.js';
import { findingFrames, listFindings, perRow, type Finding } from './findings.js';
import { Frames } from './Frames.js';

type FindingsDetail = Pick<SqlView, 'nPlusOne' | 'duplicates' | 'similar' | 'queries' | 'queryCount' | 'queryBudget' | 'overBudget'>;

const preview = (sql: string): string => {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
};

/** Findings listed before a "show more" (a request may have thousands of duplicate groups). */
export const FINDINGS_SHOWN = 20;
/** Query chips of one finding listed before a "show more" (an N+1 may have thousands). */
export const CHIPS_SHOWN = 50;

const TITLES = { nplusone: 'N+1', duplicate: 'Duplicate query', similar: 'Similar queries' } as const;
const TONES = { nplusone: 'danger', duplicate: 'warn', similar: 'info' } as const;

export function Findings({ detail }: { detail: FindingsDetail }) {
  const findings = useMemo(() => listFindings(detail), [detail]);
  const [shown, setShown] = useState(FINDINGS_SHOWN);
  const queries = useMemo(() => new Map(detail.queries.map((q) => [q.id, q])), [detail.queries]);
  // The server links N+1 call sites; every other frame borrows the same pattern when it can.
  const editorLink = useMemo(() => {
    for (const group of detail.nPlusOne ?? []) {
      if (group.editorUrl && group.callSite) {
        const link = editorLinkFrom(group.callSite, group.editorUrl);
        if (link) return link;
      }
    }
    return null;
  }, [detail.nPlusOne]);
  if (findings.length === 0 && !detail.overBudget) return null;
  return (
    <section className="findings" aria-label="Findings">
      {findings.length > 0 && (
        <ul>
          {findings.slice(0, shown).map((finding) => (
            <FindingItem key={finding.key} finding={finding} queries={queries} editorLink={editorLink} />
          ))}
        </ul>
      )}
      {findings.length > shown && (
        <ShowMore hidden={findings.length - shown} step={FINDINGS_SHOWN * 5} noun={['finding', 'findings']} onShow={(more) => setShown(shown + more)} />
      )}
      {detail.overBudget === true && (
        <div className="budget-banner" role="note" title="The queryBudget option">
          <strong>Over the query budget:</strong> {pluralize(detail.queryCount, 'query', 'queries')}, budget {detail.queryBudget}
        </div>
      )}
    </section>
  );
}

interface ItemProps {
  finding: Finding;
  queries: ReadonlyMap<number, QueryRecord>;
  editorLink: EditorLink | null;
}

function FindingItem({ finding, queries, editorLink }: ItemProps) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const { group } = finding;
  const callSite = finding.kind === 'nplusone' ? finding.group.callSite : null;
  // Several shapes from one loop: one banner for the loop, its shapes and fixes inside.
  const loop = finding.kind === 'nplusone' && finding.shapes.length > 1;
  const totalMs = finding.kind === 'duplicate' ? sumMs(group.queryIds, queries) : finding.group.totalMs;
  return (
    <li className={`finding ${TONES[finding.kind]}`}>
      <button type="button" className="finding-toggle" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
        <svg className="chevron" viewBox="0 0 16 16" width="10" height="10" aria-hidden="true" focusable="false">
          <path d="M5 3l6 5-6 5z" fill="currentColor" />
        </svg>
        <span className="finding-title">
          {TITLES[finding.kind]} ×{group.count}
          {callSite && (
            <>
              {loop ? ' in the loop at ' : ' at '}
              <span className="callsite" title={formatCallSite(callSite, false)}>
                {formatCallSite(callSite)}
              </span>
            </>
          )}
        </span>
        {loop ? (
          <span className="finding-loop">the loop runs {perRow(finding.shapes)}</span>
        ) : (
          <code className="finding-sql" title={group.sql}>
            {preview(group.sql)}
          </code>
        )}
        <span className="muted finding-meta">{formatMs(totalMs)} total</span>
      </button>
      {open && (
        <div id={bodyId} className="finding-body">
          <FindingQueries finding={finding} queries={queries} />
          <Frames frames={findingFrames(finding, queries)} editorLink={editorLink} linked={finding.kind === 'nplusone' ? finding.group : null} />
          <FindingFix finding={finding} queries={queries} />
        </div>
      )}
    </li>
  );
}

function sumMs(ids: readonly number[], queries: ReadonlyMap<number, QueryRecord>): number {
  return ids.reduce((sum, id) => sum + (queries.get(id)?.durationMs ?? 0), 0);
}

function FindingQueries({ finding, queries }: { finding: Finding; queries: ReadonlyMap<number, QueryRecord> }) {
  const { focus, showQuery, showQueries, clearFocus } = useNavigation();
  const ids = finding.group.queryIds;
  const label = `${TITLES[finding.kind]} ×${finding.group.count}`;
  const filtered = focus?.kind === 'only' && focus.label === label && focus.ids.join() === ids.join();
  const parentId = finding.kind === 'nplusone' ? finding.group.parentQueryId : undefined;
  const [shown, setShown] = useState(CHIPS_SHOWN);
  return (
    <div className="finding-section">
      <h4 className="finding-heading">Queries</h4>
      {finding.kind === 'nplusone' && (parentId !== undefined || finding.group.concurrent) && (
        <p className="finding-note">
          {parentId !== undefined && (
            <>
              One per row of{' '}
              <button type="button" className="query-chip" aria-label={`Show query ${parentId} in the table`} onClick={() => showQuery(parentId)}>
                #{parentId}
              </button>
              , the list the loop goes over.{' '}
            </>
          )}
          {finding.group.concurrent && 'They overlapped in time (Promise.all): still one round trip per row.'}
        </p>
      )}
      <div className="finding-queries">
        {ids.slice(0, shown).map((id) => (
          <button key={id} type="button" className="query-chip" aria-label={`Show query ${id} in the table`} onClick={() => showQuery(id)}>
            #{id}
            <span className="muted"> {formatMs(queries.get(id)?.durationMs)}</span>
          </button>
        ))}
        {ids.length > shown && <ShowMore hidden={ids.length - shown} step={CHIPS_SHOWN * 10} noun={['query', 'queries']} onShow={(more) => setShown(shown + more)} />}
        <button
          type="button"
          className="small-button"
          aria-pressed={filtered}
          onClick={() => (filtered ? clearFocus() : showQueries(ids, label))}
        >
          Show only these {ids.length} in the table
        </button>
      </div>
    </div>
  );
}

/** "Show 100 more findings (4980 not shown)": long lists stay short until asked. */
function ShowMore({ hidden, step, noun, onShow }: { hidden: number; step: number; noun: readonly [string, string]; onShow: (step: number) => void }) {
  const next = Math.min(step, hidden);
  return (
    <button type="button" className="small-button show-more" onClick={() => onShow(next)}>
      Show {next} more {next === 1 ? noun[0] : noun[1]} ({hidden} not shown)
    </button>
  );
}
