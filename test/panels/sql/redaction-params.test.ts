import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createQueryRedactor, secretPlan, type RedactableQuery } from '../../../server/panels/sql/redact-params.js';
import { DEFAULT_REDACT_NAMES, isSecretColumn, isSecretName, nameMatcher } from '../../../server/security/redact.js';
import { redactUrl } from '../../../server/security/redact-url.js';
import type { Dialect } from '../../../server/types.js';

// The plan's token tests, counted: how much work a plan does, measured without a clock.
const tokenTests = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../server/panels/sql/secret-tokens.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../server/panels/sql/secret-tokens.js')>();
  return {
    ...original,
    isPunct: (...args: Parameters<typeof original.isPunct>) => {
      tokenTests.count += 1;
      return original.isPunct(...args);
    },
  };
});
const tokenTestsOf = (work: () => void) => {
  tokenTests.count = 0;
  work();
  return tokenTests.count;
};

const R = '[redacted]';

function redact(sql: string, params: unknown[], dialect: Dialect = 'postgres', names?: (string | RegExp)[]) {
  const query: RedactableQuery = { sql, params, db: { dialect } };
  createQueryRedactor(names ? nameMatcher(names) : isSecretName)(query);
  return query;
}

describe('names that hold secrets', () => {
  it.each([
    ['password', true], ['passwd', true], ['password_hash', true], ['PasswordHash', true], ['token', true],
    ['access_token', true], ['accessToken', true], ['api_key', true], ['apiKey', true], ['APIKEY', true],
    ['secret', true], ['client_secret', true], ['X-Api-Key', true], ['X-Auth-Token', true], ['X-CSRF-Token', true],
    ['x-xsrf', true], ['session_id', true], ['otp', true],
    // Words are matched whole: these hold no secret.
    ['monkey', false], ['author', false], ['tokens_count', false], ['passwords_seen', false], ['email', false],
    ['keyboard', false], ['compass', false], ['id', false], ['Keep-Alive', false], ['', false],
  ])('%j → %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  it('takes phrases and RegExps, and the defaults can be extended', () => {
    const secret = nameMatcher([...DEFAULT_REDACT_NAMES, 'ssn', 'card_number', /^iban$/i]);
    expect(secret('ssn')).toBe(true);
    expect(secret('customer_ssn')).toBe(true);
    expect(secret('cardNumber')).toBe(true);
    expect(secret('card')).toBe(false);
    expect(secret('IBAN')).toBe(true);
    expect(secret('iban_country')).toBe(false);
    expect(secret('password')).toBe(true);
    // A list without the defaults redacts only what it names.
    const only = nameMatcher(['ssn']);
    expect(only('password')).toBe(false);
    expect(only('ssn')).toBe(true);
  });

  it('a global RegExp does not carry lastIndex from one name to the next', () => {
    const secret = nameMatcher([/pin/g]);
    expect([secret('pin'), secret('pin_code'), secret('spinner')]).toEqual([true, true, true]);
  });

  it('redactUrl takes the same matcher', () => {
    expect(redactUrl('/x?ssn=1&password=2', nameMatcher(['ssn']))).toBe('/x?ssn=[redacted]&password=2');
  });
});

describe('column names that hold secrets (narrower than for URLs and headers)', () => {
  it.each([
    ['password', true], ['password_hash', true], ['token', true], ['auth_token', true], ['session_token', true],
    ['api_key', true], ['apiKey', true], ['x_api_key', true], ['private_key', true], ['privateKey', true],
    ['client_secret', true], ['access_key', true], ['sid', true], ['otp', true], ['code_verifier', true],
    // Data, in a table: hiding these hid what the panel is for (issue 18 part 5).
    ['key', false], ['settings_key', false], ['cache_key', false], ['auth', false], ['auth_provider', false],
    ['oauth_provider', false], ['session', false], ['session_id', false], ['private', false], ['is_private', false],
    ['monkey', false], ['keyboard', false],
  ])('%j → %s', (name, expected) => {
    expect(isSecretColumn(name)).toBe(expected);
  });

  it('the URL and header list is unchanged: key, auth, session and private still hide a header or a query key', () => {
    for (const name of ['key', 'X-Auth', 'session', 'private', 'oauth']) expect(isSecretName(name)).toBe(true);
  });
});

describe('params bound to secret columns', () => {
  it.each<[string, Dialect, unknown[], unknown[]]>([
    ['SELECT * FROM users WHERE email = $1 AND password = $2', 'postgres', ['a@b', 'hunter2'], ['a@b', R]],
    ['SELECT * FROM users WHERE password_hash = ? AND id = ?', 'mysql', ['h', 7], [R, 7]],
    ['UPDATE users SET password = ?, name = ? WHERE id = ?', 'sqlite', ['p', 'Ann', 3], [R, 'Ann', 3]],
    ['UPDATE users SET name = $2, password = $1 WHERE id = $3', 'postgres', ['p', 'Ann', 3], [R, 'Ann', 3]],
    ['INSERT INTO users (email, password) VALUES (?, ?)', 'sqlite', ['a@b', 'p'], ['a@b', R]],
    ['INSERT INTO users(email,password,name) VALUES (?,?,?),(?,?,?)', 'mysql', ['a', 'p1', 'A', 'b', 'p2', 'B'], ['a', R, 'A', 'b', R, 'B']],
    ['SELECT * FROM users WHERE "password" = $2 AND id = $1', 'postgres', [1, 'p'], [1, R]],
    ['SELECT * FROM users WHERE `password` = ?', 'mysql', ['p'], [R]],
    ['SELECT * FROM users WHERE "password" = ?', 'mysql', ['p'], [R]],
    ['SELECT * FROM users WHERE [password] = ?', 'sqlite', ['p'], [R]],
    ['SELECT * FROM users u WHERE u.api_key = $1', 'postgres', ['k'], [R]],
    ['SELECT * FROM users u WHERE $1 = u.api_key', 'postgres', ['k'], [R]],
    ['SELECT * FROM users WHERE "apiKey" = $1', 'postgres', ['k'], [R]],
    ['SELECT * FROM sessions WHERE token IN ($1, $2)', 'postgres', ['a', 'b'], [R, R]],
    ['SELECT * FROM sessions WHERE token = ANY($1)', 'postgres', [['a', 'b']], [R]],
    ['SELECT * FROM sessions WHERE token NOT LIKE ?', 'mysql', ['x%'], [R]],
    ["UPDATE users SET password = crypt($1, gen_salt('bf')) WHERE id = $2", 'postgres', ['p', 9], [R, 9]],
    ['UPDATE users SET (email, password) = ($1, $2) WHERE id = $3', 'postgres', ['e', 'p', 1], ['e', R, 1]],
    ['INSERT INTO users (email, password) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET password = EXCLUDED.password', 'postgres', ['e', 'p'], ['e', R]],
    ['SELECT * FROM t WHERE x = ?2 AND token = ?1', 'sqlite', ['tok', 5], [R, 5]],
    // Comparisons through functions and casts, on either side.
    ['SELECT id FROM users WHERE md5($1) = md5(password)', 'postgres', ['hunter2'], [R]],
    ['SELECT id FROM users WHERE md5(password) = md5($1)', 'postgres', ['hunter2'], [R]],
    ['SELECT id FROM users WHERE $1::text = password', 'postgres', ['p'], [R]],
    ['SELECT id FROM users WHERE CAST($1 AS text) = u.password', 'postgres', ['p'], [R]],
    ['SELECT id FROM users WHERE lower(token) = lower(?)', 'mysql', ['t'], [R]],
    ['SELECT id FROM users WHERE upper(trim(?)) NOT LIKE upper(token)', 'sqlite', ['t'], [R]],
    ['SELECT id FROM users WHERE crypt($1, password_hash) = password_hash', 'postgres', ['p'], [R]],
    ["SELECT id FROM users u WHERE encode(sha256(convert_to($1, 'UTF8')), 'hex') = u.password_digest AND u.id = $2", 'postgres', ['p', 4], [R, 4]],
    ['SELECT id FROM users WHERE lower(email) = lower($1) AND md5($2) = md5(password)', 'postgres', ['e', 'p'], ['e', R]],
    ['SELECT id FROM users WHERE (password) = ($1)', 'postgres', ['p'], [R]],
    // Other comparisons: BETWEEN, IS [NOT] DISTINCT FROM, regular expressions, null-safe equality.
    ['SELECT id FROM users WHERE token BETWEEN $1 AND $2 AND id = $3', 'postgres', ['a', 'b', 7], [R, R, 7]],
    ['SELECT id FROM users WHERE password IS NOT DISTINCT FROM $1 AND id = $2', 'postgres', ['p', 7], [R, 7]],
    ['SELECT id FROM users WHERE $1 IS DISTINCT FROM password', 'postgres', ['p'], [R]],
    ['SELECT id FROM users WHERE token SIMILAR TO $1', 'postgres', ['t%'], [R]],
    ['SELECT id FROM users WHERE token ~* $1 OR token !~ $2', 'postgres', ['a', 'b'], [R, R]],
    ['SELECT id FROM users WHERE token REGEXP ? OR token RLIKE ?', 'mysql', ['a', 'b'], [R, R]],
    ['SELECT id FROM users WHERE token GLOB ?', 'sqlite', ['a*'], [R]],
    ['SELECT id FROM users WHERE password <=> ?', 'mysql', ['p'], [R]],
    // JSON keys named like a secret, an alias named like one, a function named like one.
    ["SELECT id FROM users WHERE data->>'password' = $1", 'postgres', ['p'], [R]],
    ["SELECT id FROM users WHERE JSON_EXTRACT(data, '$.auth.token') = ?", 'mysql', ['t'], [R]],
    ['INSERT INTO users (email, pw_hash) SELECT $1, crypt($2, gen_salt($3)) AS password', 'postgres', ['e', 'p', 'bf'], ['e', R, R]],
    ['SELECT set_password($1, $2)', 'postgres', [7, 'p'], [R, R]],
    ['SELECT id FROM users WHERE pw = PASSWORD(?)', 'mysql', ['p'], [R]],
    // INSERT … SELECT: the select list's positions are the column list's.
    ['INSERT INTO users (email, password) SELECT $1, $2', 'postgres', ['e', 'p'], ['e', R]],
    ["INSERT INTO users (email, password) SELECT $1, crypt($2, gen_salt('bf')) WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = $1)", 'postgres', ['e', 'p'], ['e', R]],
    ['INSERT INTO users (email, password) SELECT DISTINCT ?, ? FROM dual', 'mysql', ['e', 'p'], ['e', R]],
    ['INSERT INTO app.users AS u (email, api_key) SELECT $1, $2 UNION ALL SELECT $3, $4', 'postgres', ['a', 'k1', 'b', 'k2'], ['a', R, 'b', R]],
    ["INSERT INTO users (password, email) SELECT CASE WHEN $1 = '' THEN NULL ELSE $1 END, $2", 'postgres', ['p', 'e'], [R, 'e']],
    ['INSERT INTO users (email, password) VALUES ($1, CASE WHEN $2 = \'\' THEN NULL ELSE $2 END), ($3, $4)', 'postgres', ['a', 'p', 'b', 'q'], ['a', R, 'b', R]],
    // Not secret: nothing changes.
    ['SELECT * FROM password_resets WHERE password_resets.user_id = $1', 'postgres', [1], [1]],
    ['SELECT * FROM t WHERE $2 = (SELECT id FROM users WHERE password = $1)', 'postgres', ['p', 5], [R, 5]],
    ['INSERT INTO users (email, name) SELECT $1, password FROM old_users', 'postgres', ['e'], ['e']],
    ['SELECT * FROM users WHERE monkey = $1 AND author = $2 AND tokens_count = $3', 'postgres', [1, 2, 3], [1, 2, 3]],
    ['SELECT data ? $1 FROM docs WHERE token = $2', 'postgres', ['k', 't'], ['k', R]],
    ["SELECT * FROM users WHERE note = 'password = ?' AND id = ?", 'mysql', [1], [1]],
    ['SELECT * FROM users -- password = ?\nWHERE id = ?', 'sqlite', [1], [1]],
    // Fewer params than placeholders: nothing invented.
    ['SELECT * FROM users WHERE password = $2', 'postgres', ['only one'], ['only one']],
  ])('%s (%s)', (sql, dialect, params, expected) => {
    expect(redact(sql, params, dialect).params).toEqual(expected);
  });

  it('named placeholders: by their own name or by the column they are bound to', () => {
    // better-sqlite3 and mysql2 bind objects, stored as JSON text.
    expect(redact('INSERT INTO users (email, password) VALUES (@email, @pw)', ['{"email":"a@b","pw":"p"}'], 'sqlite').params)
      .toEqual([JSON.stringify({ email: 'a@b', pw: R })]);
    expect(redact('SELECT * FROM users WHERE email = :email AND password = :password', ['{"email":"a","password":"p"}'], 'mysql').params)
      .toEqual([JSON.stringify({ email: 'a', password: R })]);
    // node-sqlite3 keys keep the prefix.
    expect(redact('SELECT * FROM users WHERE token = $t', ['{"$t":"abc"}'], 'sqlite').params).toEqual([JSON.stringify({ $t: R })]);
    // Cut at the stored length, no longer JSON: still hidden.
    const cut = redact('INSERT INTO users SET ?', ['{"email":"a","password":"hunter2","bio":"xxxx… [900 more characters]'], 'mysql');
    expect(cut.params[0]).not.toContain('hunter2');
    expect(cut.params[0]).toContain('"email":"a"');
  });

  it("mysql2's VALUES ? with rows and SET ? with an object", () => {
    expect(redact('INSERT INTO users (email, password) VALUES ?', [[['a', 'p1'], ['b', 'p2']]], 'mysql').params)
      .toEqual([[['a', R], ['b', R]]]);
    expect(redact('INSERT INTO users SET ?', ['{"email":"a","api_key":"k"}'], 'mysql').params)
      .toEqual([JSON.stringify({ email: 'a', api_key: R })]);
  });

  it('the option decides which columns are secret', () => {
    expect(redact('SELECT * FROM people WHERE ssn = $1 AND password = $2', ['123', 'p'], 'postgres', ['ssn']).params).toEqual([R, 'p']);
  });
});

describe('literals written in the SQL text', () => {
  it.each<[string, Dialect, string]>([
    ["INSERT INTO users (email, password) VALUES ('a@b', 'hunter2')", 'mysql', "INSERT INTO users (email, password) VALUES ('a@b', '[redacted]')"],
    ["INSERT INTO users (email, password) VALUES ('a', 'p1'), ('b', 'p2')", 'sqlite', "INSERT INTO users (email, password) VALUES ('a', '[redacted]'), ('b', '[redacted]')"],
    ["SELECT * FROM sessions WHERE token = 'abc'", 'mysql', "SELECT * FROM sessions WHERE token = '[redacted]'"],
    ["SELECT * FROM t WHERE token = 'it''s' AND id = 1", 'postgres', "SELECT * FROM t WHERE token = '[redacted]' AND id = 1"],
    ["SELECT * FROM t WHERE token = 'a\\'b' AND id = 1", 'mysql', "SELECT * FROM t WHERE token = '[redacted]' AND id = 1"],
    ["SELECT * FROM t WHERE token = E'a\\'b'", 'postgres', "SELECT * FROM t WHERE token = '[redacted]'"],
    ["SELECT * FROM t WHERE otp = 123456", 'postgres', "SELECT * FROM t WHERE otp = '[redacted]'"],
    ["UPDATE users SET password = 'x', name = 'Ann'", 'sqlite', "UPDATE users SET password = '[redacted]', name = 'Ann'"],
  ])('%s', (sql, dialect, expected) => {
    const query = redact(sql, [], dialect);
    expect(query.sql).toBe(expected);
    expect(query.redacted).toBe(true);
  });

  it('leaves other statements as they are, unflagged', () => {
    const query = redact("SELECT * FROM users WHERE name = 'password'", ['x']);
    expect(query).toEqual({ sql: "SELECT * FROM users WHERE name = 'password'", params: ['x'], db: { dialect: 'postgres' } });
  });
});

describe('the plan', () => {
  it('is null for statements without secrets', () => {
    expect(secretPlan('SELECT * FROM posts WHERE author_id = $1', 'postgres', isSecretName)).toBeNull();
  });

  it('is read once per SQL text: the redactor reuses it for every run', () => {
    const redactQuery = createQueryRedactor(isSecretName);
    const runs = Array.from({ length: 1000 }, (_, i) => ({ sql: 'SELECT 1 FROM users WHERE token = ?', params: [`t${i}`], db: { dialect: 'mysql' as const } }));
    const first = tokenTestsOf(() => redactQuery(runs[0]));
    // The other 999 runs read no token: the plan of the first is reused.
    expect(tokenTestsOf(() => runs.slice(1).forEach((query) => redactQuery(query)))).toBe(0);
    expect(first).toBeGreaterThan(0);
    expect(runs.every((query) => query.params[0] === R)).toBe(true);
  });

  it('does not throw on SQL it cannot read', () => {
    for (const sql of ['', '(', ')))', "'unterminated", 'VALUES', '() VALUES', 'INSERT INTO t (a, password) VALUES', '= = =', '? = ?']) {
      expect(() => redact(sql, [1, 2], 'mysql')).not.toThrow();
      expect(() => redact(sql, [1, 2], 'postgres')).not.toThrow();
    }
  });
});

describe('the plan of pathological SQL', () => {
  it('stays linear in deeply nested parentheses (it runs in the finish handler)', () => {
    const nested = (depth: number) => `SELECT 1 FROM t WHERE ${'(a'.repeat(depth)}${') = 1'.repeat(depth)}`;
    const work = (depth: number) => tokenTestsOf(() => secretPlan(nested(depth), 'postgres', isSecretName));
    const [once, twice] = [work(5_000), work(10_000)];
    // Twice the depth, twice the token tests: scanning back for the '(' at each `) =` made it four times.
    expect(twice / once).toBeGreaterThan(1.9);
    expect(twice / once).toBeLessThan(2.1);
  });
});

describe('property: a value compared to a secret column is hidden however the comparison is written', () => {
  const wrap = fc.array(fc.constantFrom(
    (x: string) => `md5(${x})`, (x: string) => `lower(${x})`, (x: string) => `(${x})`, (x: string) => `trim(${x})`,
    (x: string) => `coalesce(${x}, '')`, (x: string) => `CAST(${x} AS text)`, (x: string) => `${x} || ''`,
  ), { maxLength: 3 });
  const dialect = fc.constantFrom<Dialect>('postgres', 'mysql', 'sqlite');
  const column = (d: Dialect) => fc.constantFrom('password', 'u.password_hash', 'api_key', 'users.token',
    d === 'postgres' ? '"apiKey"' : d === 'mysql' ? '`password`' : '[password]');
  const operator = fc.constantFrom('=', '<>', '!=', 'LIKE', 'NOT LIKE', 'IS NOT DISTINCT FROM');
  const statement = dialect.chain((d) => fc.record({
    d: fc.constant(d), column: column(d), operator, wrapColumn: wrap, wrapValue: wrap, swap: fc.boolean(),
    before: fc.boolean(), after: fc.boolean(), upper: fc.boolean(),
  }));

  it('with the other params left as they are', () => {
    fc.assert(fc.property(statement, ({ d, column, operator, wrapColumn, wrapValue, swap, before, after, upper }) => {
      const placeholders = d === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?'];
      const parts: string[] = [];
      const params: unknown[] = [];
      let secretAt = -1;
      const next = () => placeholders[params.length];
      if (before) { parts.push(`id = ${next()}`); params.push(7); }
      const value = wrapValue.reduce<string>((x, f) => f(x), next());
      secretAt = params.length;
      params.push('hunter2');
      const col = wrapColumn.reduce<string>((x, f) => f(x), column);
      parts.push(swap ? `${value} ${operator} ${col}` : `${col} ${operator} ${value}`);
      if (after) { parts.push(`email = ${next()}`); params.push('a@b'); }
      const sql = `${upper ? 'SELECT' : 'select'} id FROM users u WHERE ${parts.join(upper ? ' AND ' : ' and ')}`;
      const expected = params.map((p, i) => (i === secretAt ? R : p));
      expect({ sql, params: redact(sql, params, d).params }).toEqual({ sql, params: expected });
    }), { numRuns: 2000 });
  });
});
