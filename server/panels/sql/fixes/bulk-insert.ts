import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { quoteJs } from './code.js';
import { camelCase, modelName } from './naming.js';

const BULK: Record<string, (input: FixInput) => string> = {
  knex: ({ shape }) => `await knex(${quoteJs(shape.table)}).insert(rows); // one INSERT … VALUES (…), (…)`,
  sequelize: ({ model }) => `await ${model}.bulkCreate(rows);`,
  'drizzle-orm': ({ shape }) => `await db.insert(${camelCase(shape.table)}).values(rows);`,
  typeorm: ({ model }) => `await dataSource.getRepository(${model}).insert(rows);`,
  prisma: ({ shape }) => `await prisma.${camelCase(modelName(shape.table))}.createMany({ data: rows });`,
  pg: ({ shape }) => `// one statement, one array per column:\nawait pool.query(\n  'INSERT INTO ${shape.table} (…) SELECT * FROM unnest($1::int[], $2::text[])',\n  [rows.map((r) => r.a), rows.map((r) => r.b)],\n);`,
  mysql2: ({ shape }) => `await connection.query('INSERT INTO ${shape.table} (…) VALUES ?', [rows.map((r) => [r.a, r.b])]);`,
};

/** Inserts in a loop: one multi-row insert, in the library's words. */
export function bulkInsertFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const wording = BULK[input.library] ?? (input.dialect === 'postgres' ? BULK.pg : input.dialect === 'mysql' ? BULK.mysql2 : null);
  if (!wording) return null;
  return { title: `Insert the ${input.shape.table} rows in one statement`, code: wording(input), orm: input.library };
}
