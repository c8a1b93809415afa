import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const distDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'ui');
const launcher = join(distDir, 'launcher.js');
const built = existsSync(launcher);

/** The launcher and the chunks it imports statically: what every page downloads. */
function launcherWithStaticImports(): string {
  const source = readFileSync(launcher, 'utf8');
  const imports = [...source.matchAll(/(?:^|[;}])\s*import\s*(?:[^'"`()]*?from\s*)?["'`](\.\/[^"'`]+)["'`]/g)].map((m) => m[1]);
  return [source, ...imports.map((file) => readFileSync(join(distDir, file), 'utf8'))].join('\n');
}

describe.skipIf(!built)('dist/ui/launcher.js size', () => {
  it('is under 4 KB gzipped, with its static imports, and has no React in it', () => {
    const code = launcherWithStaticImports();
    const gz = gzipSync(code, { level: 9 }).length;
    expect(gz).toBeLessThan(4096);
    expect(code).not.toMatch(/react\.production|__SECRET_INTERNALS|createElement\("div"|useState/);
  });

  it('loads the app relative to its own URL', () => {
    expect(readFileSync(launcher, 'utf8')).toMatch(/new URL\([`'"]\.\/app\.js[`'"],\s*import\.meta\.url\)/);
  });
});

it.runIf(!built)('launcher size check skipped: run `npm run build:ui` to build dist/ui first', () => {
  console.info('[ui] dist/ui/launcher.js not built; size check skipped');
});
