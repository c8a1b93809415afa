import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The package as a user gets it: `npm pack` of the built dist/, unpacked into a node_modules of
 * its own in a temporary folder, outside this repository. Its dependencies and the fixture apps'
 * (express, better-sqlite3, the TypeScript runners) are links to this repository's node_modules,
 * so nothing is downloaded: only what the package.json of the tarball declares is linked next to
 * it, so an import of an undeclared dependency fails here as it would for a user.
 */

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const REPO_MODULES = join(REPO, 'node_modules');

/** What a fixture app may load besides the toolbar: the app's own dependencies and its tools. */
const APP_MODULES = ['express', 'better-sqlite3', 'typescript', 'tsx', 'ts-node', '@types'];

export interface PackedPackage {
  /** The temporary folder: its node_modules holds the unpacked toolbar; fixture apps go beside it. */
  root: string;
  /** The unpacked package folder. */
  packageDir: string;
  /** The files in the tarball, relative to the package. */
  files: string[];
  remove(): void;
}

function link(modules: string, name: string, target = name): void {
  const at = join(modules, name);
  if (existsSync(at)) return;
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(join(REPO_MODULES, target), at, 'dir');
}

/**
 * Packs the built package once and unpacks it into a fresh temporary folder.
 *
 * @example
 * const packed = packPackage();
 * // fixture apps under packed.root resolve 'express-debug-toolbar' to the unpacked tarball
 */
export function packPackage(): PackedPackage {
  if (!existsSync(join(REPO, 'dist/server/index.js')) || !existsSync(join(REPO, 'dist/ui/launcher.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before this test (`npm test` does).');
  }
  const root = mkdtempSync(join(tmpdir(), 'edt-packed-'));
  // --ignore-scripts: dist/ is built already; the prepack build would only repeat it.
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
    cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  const modules = join(root, 'node_modules');
  mkdirSync(modules);
  execFileSync('tar', ['-xzf', join(root, info.filename), '-C', modules]);
  const packageDir = join(modules, 'express-debug-toolbar');
  renameSync(join(modules, 'package'), packageDir);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) link(modules, name);
  for (const name of APP_MODULES) link(modules, name);
  return {
    root,
    packageDir,
    files: info.files.map((file) => file.path),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Gives one fixture app its own copy of a module: Express 4 where the others get 5. */
export function linkModule(appDir: string, name: string, repoModule: string): void {
  link(join(appDir, 'node_modules'), name, repoModule);
}
