/** What to do about a finding: the server's suggested fix for an N+1, advice for the others. */
import type { ReactNode } from 'react';
import type { Dialect, NPlusOneGroup, QueryRecord } from '../../../server/types.js';
import { formatCallSite } from './callsite.js';
import { formatMs, pluralize } from '../../app/format.js';
import { CodeBlock } from './CodeBlock.js';
import type { Finding } from './findings.js';

/** Libraries whose fix is plain SQL rather than an ORM call. */
const SQL_LIBRARIES = new Set(['pg', 'pglite', 'mysql2', 'better-sqlite3', 'sqlite3']);

export function FindingFix({ finding, queries }: { finding: Finding; queries: ReadonlyMap<number, QueryRecord> }) {
  const { group } = finding;
  const dialect = queries.get(group.queryIds[0])?.db.dialect ?? 'postgres';
  if (finding.kind === 'nplusone') {
    if (finding.shapes.length === 1) return <NPlusOneFix group={finding.group} dialect={dialect} />;
    // One loop, several shapes: each shape's own fix, in the order the loop body runs them.
    return (
      <>
        {finding.shapes.map((shape, i) => (
          <NPlusOneFix key={shape.fingerprint} group={shape} dialect={dialect} heading={`Fix ${i + 1} of ${finding.shapes.length}`} shape />
        ))}
      </>
    );
  }
  if (finding.kind === 'duplicate') {
    return (
      <Advice>
        The same SQL with the same parameters ran {group.count} times. Run it once and reuse the result: keep it in a variable,
        pass it down, or memoise it for the request (for example on <code>res.locals</code>).
      </Advice>
    );
  }
  return (
    <Advice>
      The same statement shape ran {group.count} times with different parameters ({formatMs(finding.group.totalMs)}). If they
      come from a loop, one query with <code>IN (…)</code> or a join usually does the same work.
    </Advice>
  );
}

function NPlusOneFix({ group, dialect, heading = 'Fix', shape = false }: { group: NPlusOneGroup; dialect: Dialect; heading?: string; shape?: boolean }) {
  const suggestion = group.suggestion;
  const which = shape && (
    <p className="fix-shape">
      <code title={group.sql}>{group.sql.replace(/\s+/g, ' ').slice(0, 120)}</code>{' '}
      <span className="muted">
        ×{group.count}
        {group.callSite && ` at ${formatCallSite(group.callSite)}`}
      </span>
    </p>
  );
  if (!suggestion) {
    return (
      <Advice heading={heading}>
        {which}
        Load these rows in one query (a join, or <code>WHERE … IN (…)</code> with the ids collected first) instead of one query per
        row: that saves {pluralize(group.count - 1, 'query', 'queries')}.
      </Advice>
    );
  }
  const looksLikeSql = SQL_LIBRARIES.has(suggestion.orm) && /^\s*(select|with|insert|update|delete)\b/i.test(suggestion.code);
  return (
    <div className="finding-section fix">
      <h4 className="finding-heading">{heading}</h4>
      {which}
      <p className="fix-title">
        {suggestion.title} <span className="orm-tag">{suggestion.orm}</span>
      </p>
      {suggestion.reason && <p className="fix-reason">{suggestion.reason}</p>}
      <CodeBlock code={suggestion.code} language={looksLikeSql ? { sql: dialect } : 'js'} copyLabel="Copy fix" announcement="Copied the fix" />
    </div>
  );
}

function Advice({ children, heading = 'Fix' }: { children: ReactNode; heading?: string }) {
  return (
    <div className="finding-section fix">
      <h4 className="finding-heading">{heading}</h4>
      <div className="advice">{children}</div>
    </div>
  );
}
