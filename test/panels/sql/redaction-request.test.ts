import { describe, expect, it } from 'vitest';
import { createQueryRedactor } from '../../../server/panels/sql/redact-params.js';
import { createRequestRedaction, redactRequestQueries, scrubSecrets, type RedactedQuery } from '../../../server/panels/sql/redact-queries.js';
import { isSecretName } from '../../../server/security/redact.js';
import type { Dialect } from '../../../server/types.js';

const R = '[redacted]';

function queries(list: [string, unknown[], string?][], dialect: Dialect = 'postgres'): RedactedQuery[] {
  return list.map(([sql, params, error], i) => ({ id: i + 1, sql, params, db: { dialect }, ...(error ? { error } : {}) }));
}

describe('a value once known as secret is hidden wherever else the request carries it', () => {
  it('in params, inside longer strings and JSON text, in SQL literals and comments, in a driver error', () => {
    const request = queries([
      ['SELECT id FROM users WHERE md5($1) = md5(password)', ['hunter2-x']],
      ['INSERT INTO audit (what) VALUES ($1)', ['hunter2-x']],
      ['INSERT INTO audit (what) VALUES ($1)', ['login failed for hunter2-x']],
      ["INSERT INTO audit (what) VALUES ('tried hunter2-x') -- by hunter2-x", []],
      ['INSERT INTO audit (detail) VALUES ($1)', [JSON.stringify({ attempt: 'hunter2-x' })]],
      ['SELECT $1::int', ['hunter2-x'], 'invalid input syntax for type integer: "hunter2-x"'],
      ['SELECT * FROM users WHERE name = $1', ['bob']],
    ]);
    const secrets = redactRequestQueries(request, createQueryRedactor(isSecretName));
    expect(JSON.stringify(request)).not.toContain('hunter2');
    expect(request.map((q) => q.params)).toEqual([[R], [R], [`login failed for ${R}`], [], [JSON.stringify({ attempt: R })], [R], ['bob']]);
    expect(request[3].sql).toBe(`INSERT INTO audit (what) VALUES ('tried ${R}') -- by ${R}`);
    expect(request[5].error).toBe(`invalid input syntax for type integer: "${R}"`);
    expect(request.map((q) => q.redacted ?? false)).toEqual([true, true, true, true, true, true, false]);
    expect(scrubSecrets('/login?p=hunter2-x', secrets)).toBe(`/login?p=${R}`);
  });

  it('a secret with quotes is found as JSON and SQL write it', () => {
    const secret = `it's "quoted"`;
    const request = queries([
      ['UPDATE users SET password = ? WHERE id = ?', [secret, 1]],
      ['INSERT INTO log (line) VALUES (?)', [JSON.stringify({ pw: secret })]],
      [`INSERT INTO log (line) VALUES ('${secret.replace(/'/g, "''")}')`, []],
    ], 'sqlite');
    redactRequestQueries(request, createQueryRedactor(isSecretName));
    expect(JSON.stringify(request)).not.toContain('quoted');
  });

  it('a secret that is a word of the SQL (the password `password`) hides values, never renames columns', () => {
    const request = queries([
      ['SELECT id FROM users WHERE email = $1 AND password = $2', ['a@b.test', 'password']],
      ['UPDATE users SET password_changed_at = now() WHERE email = $1', ['a@b.test']],
      ['INSERT INTO audit (what) VALUES ($1)', ['password']],
    ]);
    redactRequestQueries(request, createQueryRedactor(isSecretName));
    expect(request.map((q) => [q.sql, q.params])).toEqual([
      ['SELECT id FROM users WHERE email = $1 AND password = $2', ['a@b.test', R]],
      ['UPDATE users SET password_changed_at = now() WHERE email = $1', ['a@b.test']],
      ['INSERT INTO audit (what) VALUES ($1)', [R]],
    ]);
  });

  it('values shorter than 4 characters are hidden where bound, not searched for elsewhere', () => {
    const request = queries([
      ['SELECT id FROM users WHERE pin_secret = $1', ['123']],
      ['SELECT * FROM items WHERE id = $1', [123]],
      ['SELECT * FROM items WHERE code = $1', ['x123']],
    ]);
    redactRequestQueries(request, createQueryRedactor(isSecretName));
    expect(request.map((q) => q.params)).toEqual([[R], [123], ['x123']]);
  });
});

describe('sameRunAs: which run a redacted query really was', () => {
  it('is the first query with the same SQL and params as run, on redacted queries only', () => {
    const request = queries([
      ['SELECT * FROM sessions WHERE token = $1', ['tok-aaaa']],
      ['SELECT * FROM sessions WHERE token = $1', ['tok-bbbb']],
      ['SELECT * FROM sessions WHERE token = $1', ['tok-aaaa']],
      ['SELECT * FROM items WHERE id = $1', [1]],
      ['SELECT * FROM items WHERE id = $1', [1]],
    ]);
    redactRequestQueries(request, createQueryRedactor(isSecretName));
    expect(request.map((q) => [q.params, q.sameRunAs])).toEqual([
      [[R], 1], [[R], 2], [[R], 1], [[1], undefined], [[1], undefined],
    ]);
  });

  it('is not set when nothing was redacted', () => {
    const request = queries([['SELECT 1', []], ['SELECT 1', []]]);
    expect(redactRequestQueries(request, createQueryRedactor(isSecretName))).toEqual([]);
    expect(request.every((q) => q.sameRunAs === undefined && q.redacted === undefined)).toBe(true);
  });
});

describe('a second pass, when queries run after the response settle', () => {
  it('reads only the new queries by their plan, hides what they show secret in the earlier ones, keeps real runs', () => {
    const redactQuery = createQueryRedactor(isSecretName);
    const state = createRequestRedaction();
    const early = queries([
      ['INSERT INTO audit (what) VALUES ($1)', ['tok-aaaa']],
      ['SELECT * FROM sessions WHERE token = $1', ['tok-bbbb']],
    ]);
    redactRequestQueries(early, redactQuery, state);
    expect(early.map((q) => q.params)).toEqual([['tok-aaaa'], [R]]);
    const late = queries([
      ['SELECT * FROM sessions WHERE token = $1', ['tok-aaaa']],
      ['SELECT * FROM sessions WHERE token = $1', ['tok-bbbb']],
    ]).map((q) => ({ ...q, id: q.id + 2 }));
    const all = [...early, ...late];
    const secrets = redactRequestQueries(all, redactQuery, state);
    expect(all.map((q) => [q.params, q.sameRunAs])).toEqual([[[R], 1], [[R], 2], [[R], 3], [[R], 2]]);
    expect(secrets).toContain('tok-aaaa');
  });
});
