import { describe, expect, it } from 'vitest';
import { suggestFromPlan } from '../../../../server/panels/sql/explain/suggestions.js';
import { columnConditions, columnEqualities, sortColumns, sqlClauses } from '../../../../server/panels/sql/explain/conditions.js';
import { indexName, quoteIdent } from '../../../../server/panels/sql/explain/identifiers.js';
import { readNode } from '../../../../server/panels/sql/explain/plan-node.js';

/* The pure parts under the advice: reading conditions, statements and names. The advice on real plans is in explain-advice.test.ts. */

const codes = (suggestions: { code: string }[]) => suggestions.map((s) => s.code);

describe('suggestions from hand-made nodes (no catalog)', () => {
  it('quotes names that need it', () => {
    const nodes = [readNode({
      operation: 'Seq Scan', relation: 'Order Items', fullScan: true, scannedRows: 50_000,
      filter: '(("orderId" = 3) AND (user = 4))',
    })];
    expect(codes(suggestFromPlan({ dialect: 'postgres', sql: '', nodes })))
      .toEqual(['CREATE INDEX order_items_orderid_user_idx ON "Order Items" ("orderId", "user");']);
  });

  it('leaves out OR, column-to-column and expression tests', () => {
    const scan = (filter: string) => [readNode({ operation: 'Seq Scan', relation: 't', fullScan: true, scannedRows: 9_000, filter })];
    for (const filter of ['((a = 1) OR (b = 2))', '(a = b)', "(lower(email) = 'x'::text)", '(a <> 3)', "(name ~~ 'x%'::text)"]) {
      expect(suggestFromPlan({ dialect: 'postgres', sql: '', nodes: scan(filter) })).toEqual([]);
    }
    expect(codes(suggestFromPlan({ dialect: 'postgres', sql: '', nodes: scan('((c > 5) AND ((a = 1) OR (b = 2)) AND (d = ANY (\'{1,2}\'::integer[])))') })))
      .toEqual(['CREATE INDEX t_d_c_idx ON t (d, c);']);
  });
});

describe('columnConditions', () => {
  it.each([
    ['(author_id = 3)', 'postgres', [['author_id', 'eq']]],
    ["((status)::text = 'x'::text)", 'postgres', [['status', 'eq']]],
    ["((created_at)::timestamp without time zone > '2020-01-01 00:00:00'::timestamp without time zone)", 'postgres', [['created_at', 'range']]],
    ['((a IS NULL) AND (b >= 2) AND (c BETWEEN 1 AND 5))', 'postgres', [['a', 'eq'], ['b', 'range'], ['c', 'range']]],
    ['(3 = author_id)', 'postgres', [['author_id', 'eq']]],
    ['(a IS NOT NULL)', 'postgres', []],
    ['(a <> ALL (\'{1}\'::integer[]))', 'postgres', []],
    ["t.col = 3 and t.`status` = 'x'", 'mysql', [['col', 'eq'], ['status', 'eq']]],
    ['(`db`.`t`.`a` in (1,2,3))', 'mysql', [['a', 'eq']]],
    ['t.a = 1 or t.b = 2', 'mysql', []],
    // A boolean column tested alone: PostgreSQL prints `pin = true` as `pin`.
    ['(pin AND active AND (status_page_id = 7))', 'postgres', [['pin', 'eq'], ['active', 'eq'], ['status_page_id', 'eq']]],
    ['(NOT pin)', 'postgres', [['pin', 'eq']]],
    // MariaDB wraps an outer join's condition in trigcond().
    ["trigcond(p.`status` = 'draft')", 'mysql', [['status', 'eq']]],
  ] as const)('%s (%s)', (text, dialect, expected) => {
    expect(columnConditions(text, dialect).map((c) => [c.column, c.kind])).toEqual(expected);
  });

  it('keeps the qualifier', () => {
    expect(columnConditions('(`db`.`t`.`a` = 1)', 'mysql')).toEqual([{ qualifier: 't', column: 'a', kind: 'eq' }]);
  });

  it('reads column-to-column equalities apart, outside any OR', () => {
    expect(columnEqualities('((p.author_id = a.id) AND (p.status = 1))', 'postgres')).toEqual([
      { left: { qualifier: 'p', column: 'author_id' }, right: { qualifier: 'a', column: 'id' } },
    ]);
    expect(columnEqualities('((p.a = u.id) OR (p.b = u.id))', 'postgres')).toEqual([]);
    expect(columnEqualities('(a.x < b.y)', 'postgres')).toEqual([]);
  });
});

describe('sqlClauses and sortColumns', () => {
  it('reads WHERE, ORDER BY, LIMIT and aliases of the outer query only', () => {
    const clauses = sqlClauses(`WITH w AS (SELECT * FROM t WHERE z = 1 ORDER BY y LIMIT 1)
      SELECT * FROM posts AS p JOIN "Authors" a ON a.id = p.author_id
      WHERE p.author_id = $1 AND p.created_at > $2 ORDER BY p.created_at DESC NULLS LAST, p.id LIMIT 10`, 'postgres');
    expect(clauses.where).toEqual([
      { qualifier: 'p', column: 'author_id', kind: 'eq' }, { qualifier: 'p', column: 'created_at', kind: 'range' },
    ]);
    expect(clauses.orderBy).toEqual([{ qualifier: 'p', column: 'created_at', desc: true }, { qualifier: 'p', column: 'id', desc: false }]);
    expect(clauses.limit).toBe(true);
    expect(Object.fromEntries(clauses.tables)).toMatchObject({ p: 'posts', a: 'Authors', t: 't' });
  });

  it('reads ON tests, join equalities and the schema written before a table', () => {
    const clauses = sqlClauses(`SELECT * FROM billing.invoices i LEFT JOIN customers c ON c.id = i.customer_id AND c.active = ?
      JOIN lines l ON l.invoice_id = i.id WHERE status = ? ORDER BY i.id LIMIT 5`, 'sqlite');
    expect(clauses.on).toEqual([{ qualifier: 'c', column: 'active', kind: 'eq' }]);
    expect(clauses.where).toEqual([{ qualifier: null, column: 'status', kind: 'eq' }]);
    expect(clauses.joins).toEqual([
      { left: { qualifier: 'c', column: 'id' }, right: { qualifier: 'i', column: 'customer_id' } },
      { left: { qualifier: 'l', column: 'invoice_id' }, right: { qualifier: 'i', column: 'id' } },
    ]);
    expect(Object.fromEntries(clauses.schemas)).toEqual({ invoices: 'billing' });
  });

  it('has no usable ORDER BY when a key is an expression', () => {
    expect(sqlClauses('SELECT * FROM t ORDER BY lower(name) LIMIT 1', 'postgres').orderBy).toBeNull();
    expect(sortColumns(['lower(name)'], 'postgres')).toBeNull();
  });

  it('reads FETCH FIRST as a limit', () => {
    expect(sqlClauses('SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY', 'postgres').limit).toBe(true);
    expect(sqlClauses('SELECT * FROM t ORDER BY a', 'postgres').limit).toBe(false);
  });
});

describe('identifiers', () => {
  it.each([
    ['author_id', 'postgres', 'author_id'], ['authorId', 'postgres', '"authorId"'], ['user', 'postgres', '"user"'],
    ['a"b', 'postgres', '"a""b"'], ['authorId', 'mysql', 'authorId'], ['order', 'mysql', '`order`'],
    ['a`b', 'mysql', '`a``b`'], ['my col', 'sqlite', '"my col"'], ['Posts', 'sqlite', 'Posts'],
    // PostgreSQL's quote_identifier also quotes column-name and type keywords, and names with a $.
    ['time', 'postgres', '"time"'], ['left', 'postgres', '"left"'], ['json_table', 'postgres', '"json_table"'], ['a$b', 'postgres', '"a$b"'],
    ['action', 'postgres', 'action'],
  ] as const)('quoteIdent(%s, %s) = %s', (name, dialect, quoted) => {
    expect(quoteIdent(name, dialect)).toBe(quoted);
  });

  it('makes index names short and plain', () => {
    expect(indexName('Order Items', ['orderId'])).toBe('order_items_orderid_idx');
    expect(indexName('t', ['x'.repeat(100)])).toHaveLength(63);
  });
});
