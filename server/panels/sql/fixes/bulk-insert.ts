import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { quoteJs } from './code.js';
import { camelCase, modelName } from './naming.js';

/**
 * The model's name as code writes it, from the app's schema; without one, a placeholder that
 * says which table it is for, never a name guessed from the table (an ORM's INSERT carries no
 * model alias to read).
 */
function modelFor(input: FixInput, accessor = false): { name: string; note: string } {
  const model = input.childModel;
  if (model) return { name: accessor ? model.accessor ?? model.name : model.name, note: '' };
  return { name: 'Model', note: `// Model: the model of the ${input.shape.table} table\n` };
}

const BULK: Record<string, (input: FixInput) => string> = {
  knex: ({ shape }) => `await knex(${quoteJs(shape.table)}).insert(rows); // one INSERT … VALUES (…), (…)`,
  sequelize: (input) => { const m = modelFor(input); return `${m.note}await ${m.name}.bulkCreate(rows);`; },
  'drizzle-orm': ({ shape }) => `await db.insert(${camelCase(shape.table)}).values(rows);`,
  typeorm: (input) => { const m = modelFor(input); return `${m.note}await dataSource.getRepository(${m.name}).insert(rows);`; },
  prisma: (input) => (input.childModel
    ? `await prisma.${modelFor(input, true).name}.createMany({ data: rows });`
    : `await prisma.${camelCase(modelName(input.shape.table))}.createMany({ data: rows });`),
  pg: ({ shape }) => `// one statement, one array per column:\nawait pool.query(\n  'INSERT INTO ${shape.table} (…) SELECT * FROM unnest($1::int[], $2::text[])',\n  [rows.map((r) => r.a), rows.map((r) => r.b)],\n);`,
  mysql2: ({ shape }) => `await connection.query('INSERT INTO ${shape.table} (…) VALUES ?', [rows.map((r) => [r.a, r.b])]);`,
};

/** Inserts in a loop: one multi-row insert, in the library's words. */
export function bulkInsertFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const wording = BULK[input.library] ?? (input.dialect === 'postgres' ? BULK.pg : input.dialect === 'mysql' ? BULK.mysql2 : null);
  if (!wording) return null;
  return { title: `Insert the ${input.shape.table} rows in one statement`, code: wording(input), orm: input.library };
}
