import type { PGlite, Transaction } from '@electric-sql/pglite';

/** Anything the repositories can run SQL on: the database itself or an open transaction. */
export type Queryable = Pick<PGlite | Transaction, 'query' | 'sql'>;
