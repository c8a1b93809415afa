/** What to do about a finding: the server's suggested fix for an N+1, advice for the others. */
import type { ReactNode } from 'react';
import type { QueryRecord } from '../../../server/types.js';
import { formatMs, pluralize } from '../../app/format.js';
import { CodeBlock } from './CodeBlock.js';
import type { Finding } from './findings.js';

/** Libraries whose fix is plain SQL rather than an ORM call. */
const SQL_LIBRARIES = new Set(['pg', 'pglite', 'mysql2', 'better-sqlite3', 'sqlite3']);

export function FindingFix({ finding, queries }: { finding: Finding; queries: ReadonlyMap<number, QueryRecord> }) {
  const { group } = finding;
  const dialect = queries.get(group.queryIds[0])?.db.dialect ?? 'postgres';
  if (finding.kind === 'nplusone') {
    const suggestion = finding.group.suggestion;
    if (!suggestion) {
      return (
        <Advice>
          Load these rows in one query (a join, or <code>WHERE … IN (…)</code> with the ids collected first) instead of one query per
          row: that saves {pluralize(group.count - 1, 'query', 'queries')}.
        </Advice>
      );
    }
    const looksLikeSql = SQL_LIBRARIES.has(suggestion.orm) && /^\s*(select|with|insert|update|delete)\b/i.test(suggestion.code);
    return (
      <div className="finding-section fix">
        <h4 className="finding-heading">Fix</h4>
        <p className="fix-title">
          {suggestion.title} <span className="orm-tag">{suggestion.orm}</span>
        </p>
        {suggestion.reason && <p className="fix-reason">{suggestion.reason}</p>}
        <CodeBlock code={suggestion.code} language={looksLikeSql ? { sql: dialect } : 'js'} copyLabel="Copy fix" announcement="Copied the fix" />
      </div>
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

function Advice({ children }: { children: ReactNode }) {
  return (
    <div className="finding-section fix">
      <h4 className="finding-heading">Fix</h4>
      <p className="advice">{children}</p>
    </div>
  );
}
