import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const FIXTURES = fileURLToPath(new URL('../fixtures/orm-fixes/prisma/', import.meta.url));
/** Generated clients go here, one folder per test file run: gitignored, removed afterwards. */
const GENERATED = join(FIXTURES, '.generated');

/** The blog tables of schema.prisma, as SQL (migration.sql). */
export const PRISMA_MIGRATION = readFileSync(join(FIXTURES, 'migration.sql'), 'utf8');

/**
 * Generates the Prisma 7 client of test/fixtures/orm-fixes/prisma/schema.prisma into a folder of
 * its own, offline: `prisma generate` is wasm, but the CLI first looks for a schema engine it
 * would download; any existing file named by PRISMA_SCHEMA_ENGINE_BINARY satisfies that. Returns
 * the path of the generated `client.ts` (import it with tsx or vitest) and a remover.
 *
 * @example
 * const generated = await generatePrismaClient();
 * const { PrismaClient } = await import(generated.url);
 */
export async function generatePrismaClient(): Promise<{ file: string; url: string; remove: () => void }> {
  const dir = join(GENERATED, randomBytes(4).toString('hex'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.prisma'), readFileSync(join(FIXTURES, 'schema.prisma'), 'utf8'));
  const cli = join(dirname(createRequire(import.meta.url).resolve('prisma/package.json')), 'build', 'index.js');
  await promisify(execFile)(process.execPath, [cli, 'generate', '--schema', join(dir, 'schema.prisma')], {
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
  const file = join(dir, 'client', 'client.ts');
  return { file, url: pathToFileURL(file).href, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
