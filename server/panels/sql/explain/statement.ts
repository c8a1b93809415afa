import type { Dialect } from '../../../types.js';
import { tokenize, type LexSettings, type Token } from './sql-tokens.js';

/** What EXPLAIN may be run on: the statement text to put after `EXPLAIN …`, or why not. */
export type StatementCheck =
  | { ok: true; statement: string; readOnly: boolean }
  | { ok: false; reason: string };

/** Statements EXPLAIN (without ANALYZE) can describe. */
const EXPLAINABLE = new Set(['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'VALUES', 'TABLE']);

/**
 * Words that make a statement something other than a plain read, wherever they appear outside
 * strings, comments and quoted identifiers. Deliberately broad (a column called `set` or `copy`
 * must be quoted to pass): a false "no" costs the user the ANALYZE button, a false "yes" runs a
 * write. Statement-only verbs (BEGIN, PRAGMA, …) need no entry: the statement must start with
 * SELECT or WITH, and there is only one.
 */
const WRITE_WORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'GRANT', 'REVOKE', 'COPY',
  'CALL', 'DO', 'LOCK', 'SET', 'VACUUM', 'ANALYZE', 'ANALYSE', 'EXPLAIN', 'INTO', 'LOAD', 'HANDLER', 'RENAME',
  'OUTFILE', 'DUMPFILE', 'EXECUTE', 'PREPARE', 'NOTIFY',
]);

/** Functions with side effects that a read-only transaction does not always stop: locks, sequences, signals. */
const WRITE_FUNCTIONS = new Set([
  'NEXTVAL', 'SETVAL', 'PG_ADVISORY_LOCK', 'PG_ADVISORY_LOCK_SHARED', 'PG_ADVISORY_XACT_LOCK',
  'PG_ADVISORY_XACT_LOCK_SHARED', 'PG_TRY_ADVISORY_LOCK', 'PG_TRY_ADVISORY_LOCK_SHARED', 'PG_TRY_ADVISORY_XACT_LOCK',
  'PG_TRY_ADVISORY_XACT_LOCK_SHARED', 'PG_ADVISORY_UNLOCK', 'PG_ADVISORY_UNLOCK_ALL', 'PG_NOTIFY', 'SET_CONFIG',
  'PG_TERMINATE_BACKEND', 'PG_CANCEL_BACKEND', 'PG_RELOAD_CONF', 'PG_ROTATE_LOGFILE', 'LO_IMPORT', 'LO_EXPORT',
  'LO_UNLINK', 'LO_CREATE', 'LO_CREAT', 'LO_FROM_BYTEA', 'LO_PUT', 'DBLINK', 'DBLINK_EXEC', 'PG_SLEEP',
  'PG_SLEEP_FOR', 'PG_SLEEP_UNTIL', 'TXID_CURRENT', 'PG_CURRENT_XACT_ID', 'PG_LOGICAL_EMIT_MESSAGE',
  'GET_LOCK', 'RELEASE_LOCK', 'RELEASE_ALL_LOCKS', 'SLEEP', 'BENCHMARK', 'LAST_INSERT_ID', 'LOAD_FILE', 'SYS_EXEC',
  'SYS_EVAL',
]);

/**
 * Names of functions that run SQL given as text, or act outside the transaction: a read-only
 * transaction does not stop all of them, and what they run cannot be read here.
 */
const WRITE_FUNCTION_PREFIXES = [
  'PG_ADVISORY_', 'PG_TRY_ADVISORY_', 'LO_', 'DBLINK', 'QUERY_TO_XML', 'CURSOR_TO_XML', 'PG_REPLICATION_ORIGIN_',
  'PG_CREATE_', 'PG_DROP_', 'PG_STAT_RESET', 'PG_SWITCH_', 'PG_PROMOTE', 'PG_LOGICAL_', 'PG_FILE_', 'PG_WAL_REPLAY_',
  'PG_SLEEP', 'PG_COPY_', 'PG_IMPORT_', 'PG_LOG_BACKEND_',
];

/** Whether calling `name` (upper-cased, unquoted) may have side effects. */
function writesWhenCalled(name: string): boolean {
  return WRITE_FUNCTIONS.has(name) || WRITE_FUNCTION_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * Transaction control: the EXPLAIN runs inside a read-only transaction that it rolls back, and
 * any of these could end that transaction and let what follows commit. Refused anywhere outside
 * strings and comments, with or without ANALYZE; `END` only where it does not close a `CASE`.
 */
const TRANSACTION_WORDS = new Set(['COMMIT', 'ROLLBACK', 'ABORT', 'SAVEPOINT', 'RELEASE', 'BEGIN', 'PREPARE', 'XA']);

function transactionControl(code: Token[]): string | null {
  let openCases = 0;
  for (let i = 0; i < code.length; i++) {
    const token = code[i];
    if (token.type !== 'word') continue;
    const next = code[i + 1];
    if (token.value === 'CASE') openCases++;
    if (token.value === 'END') {
      // `END CASE`/`END IF` close blocks that only exist in procedures, themselves refused.
      if (openCases > 0) { openCases--; continue; }
      return 'it contains END outside a CASE (transaction control)';
    }
    if (TRANSACTION_WORDS.has(token.value)) return `it contains ${token.value} (transaction control)`;
    if ((token.value === 'START' || token.value === 'SET') && next?.type === 'word' && ['TRANSACTION', 'SESSION'].includes(next.value)) {
      return `it contains ${token.value} ${next.value} (transaction control)`;
    }
  }
  return null;
}

/** The index of the first top-level `;` followed by more code, or -1. */
function secondStatementAt(tokens: Token[]): number {
  const semicolon = tokens.findIndex((token) => token.type === 'punct' && token.value === ';');
  if (semicolon < 0) return -1;
  const rest = tokens.slice(semicolon + 1).filter((token) => token.type !== 'comment' && token.value !== ';');
  return rest.length > 0 ? semicolon : -1;
}

function firstWord(code: Token[]): string | undefined {
  // `(SELECT …) UNION (SELECT …)` starts with a parenthesis.
  return code.find((token) => !(token.type === 'punct' && token.value === '('))?.value;
}

/** Why `code` is not a plain read, or null when it is. */
function writeReason(code: Token[]): string | null {
  for (let i = 0; i < code.length; i++) {
    const token = code[i];
    const next = code[i + 1];
    const isCall = next?.type === 'punct' && next.value === '(';
    // `"pg_sleep"(1)` calls pg_sleep: quoted names are compared unquoted and case-folded.
    if (token.type === 'ident' && isCall && writesWhenCalled(token.value.toUpperCase())) {
      return `it calls ${token.value.toLowerCase()}(), which has side effects`;
    }
    if (token.type !== 'word') continue;
    // REPLACE(…) is a string function; only the statement form writes.
    if (token.value === 'REPLACE' && !isCall) return 'it contains REPLACE';
    // `CHARACTER SET utf8mb4` in a MySQL cast is not the SET statement.
    if (token.value === 'SET' && ['CHARACTER', 'CHAR'].includes(code[i - 1]?.value ?? '')) continue;
    if (WRITE_WORDS.has(token.value)) {
      return token.value === 'INTO' ? 'it is a SELECT … INTO, which writes' : `it contains ${token.value}`;
    }
    if (token.value === 'FOR' && next?.type === 'word' && ['UPDATE', 'SHARE', 'NO', 'KEY'].includes(next.value)) {
      return `it locks rows (FOR ${next.value})`;
    }
    if (token.value === 'NEXT' && next?.value === 'VALUE') return 'it takes a sequence value (NEXT VALUE FOR)';
    if (isCall && writesWhenCalled(token.value)) {
      return `it calls ${token.value.toLowerCase()}(), which has side effects`;
    }
  }
  return null;
}

/**
 * Decides whether EXPLAIN may run on `sql` (from the stored record only), and with `analyze`
 * whether the statement may be executed: exactly one statement; a SELECT or WITH … SELECT; no
 * data-modifying keyword, row lock, SELECT INTO or side-effecting function anywhere outside strings,
 * comments and quoted identifiers; no transaction control anywhere. `lex` is how the server that
 * will run it reads strings (explain/run.ts reads it off the connection); the defaults otherwise.
 * The single-statement protocol and the read-only transaction around it are further lines of
 * defence, not the first.
 *
 * @example
 * checkStatement('select 1; drop table x', 'postgres', true)
 * // { ok: false, reason: 'it has more than one statement' }
 */
export function checkStatement(sql: string, dialect: Dialect, analyze: boolean, lex?: LexSettings): StatementCheck {
  // NUL ends the text early in some drivers and servers: nothing to read with confidence.
  if (sql.includes('\0')) return { ok: false, reason: 'it contains a NUL character' };
  const tokens = tokenize(sql, dialect, lex);
  const second = secondStatementAt(tokens);
  if (second >= 0) return { ok: false, reason: 'it has more than one statement' };
  const semicolon = tokens.findIndex((token) => token.type === 'punct' && token.value === ';');
  const statementTokens = semicolon < 0 ? tokens : tokens.slice(0, semicolon);
  const code = statementTokens.filter((token) => token.type !== 'comment');
  if (code.length === 0) return { ok: false, reason: 'it is empty' };
  const open = tokens.find((token) => token.unterminated);
  if (open) return { ok: false, reason: `it has an unterminated ${open.type === 'comment' ? 'comment' : open.type === 'ident' ? 'quoted name' : 'string'}, which the toolbar cannot read with confidence` };
  // MySQL runs what is inside /*! … */: the scanner cannot vouch for it either way.
  if (statementTokens.some((token) => token.executable)) {
    return { ok: false, reason: 'it contains a MySQL executable comment (/*! … */)' };
  }
  const control = transactionControl(code);
  if (control) return { ok: false, reason: control };
  const statement = sql.slice(0, semicolon < 0 ? sql.length : tokens[semicolon].start).trimEnd();
  const verb = firstWord(code) ?? '';
  const readOnly = (verb === 'SELECT' || verb === 'WITH') && writeReason(code) === null;
  if (analyze) {
    if (verb !== 'SELECT' && verb !== 'WITH') {
      return { ok: false, reason: `ANALYZE runs the statement, and only SELECT is allowed: this is ${verb || 'not a statement'}` };
    }
    const reason = writeReason(code);
    if (reason) return { ok: false, reason: `ANALYZE runs the statement, and this one may write: ${reason}` };
    return { ok: true, statement, readOnly: true };
  }
  if (!EXPLAINABLE.has(verb)) return { ok: false, reason: `EXPLAIN cannot describe a ${verb} statement` };
  return { ok: true, statement, readOnly };
}
