import { describe, expect, it } from 'vitest';
import { sqlShape } from '../../../server/panels/sql/sql-shape.js';
import { sqlClauses } from '../../../server/panels/sql/explain/conditions.js';
import type { Dialect } from '../../../server/types.js';

/*
 * The shape reader (fixes, N+1s) and EXPLAIN's condition reader name the columns a WHERE compares
 * by one rule (lexer.ts's identifierName): quoted names as written inside their quotes, unquoted
 * ones folded to lower case by PostgreSQL only. The shape reader used to lower-case every
 * unquoted name, so a MySQL `UserId` was `userid` to the fixes and `UserId` to EXPLAIN.
 */

describe('the readers of column comparisons agree on names', () => {
  it.each<[Dialect, string, string[]]>([
    ['postgres', 'SELECT * FROM t WHERE "UserId" = $1 AND Status = $2', ['UserId', 'status']],
    ['mysql', 'SELECT * FROM t WHERE `UserId` = ? AND Status = ?', ['UserId', 'Status']],
    ['sqlite', 'SELECT * FROM t WHERE [UserId] = ? AND Status = ?', ['UserId', 'Status']],
  ])('%s: %s', (dialect, sql, columns) => {
    expect(sqlShape(sql, dialect).filters.map((f) => f.column)).toEqual(columns);
    expect(sqlClauses(sql, dialect).where.map((c) => c.column)).toEqual(columns);
  });
});
