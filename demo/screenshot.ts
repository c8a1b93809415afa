/**
 * Saves docs/screenshot.png, the README's picture: the demo's /posts page with the panel open.
 *
 *   npm run build && npx tsx demo/screenshot.ts
 *
 * Starts its own demo server on SCREENSHOT_PORT (3198), or uses BASE_URL when it is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/browser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'docs', 'screenshot.png');

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The demo did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  let server: ChildProcess | undefined;
  let baseURL = process.env.BASE_URL;
  if (!baseURL) {
    const port = process.env.SCREENSHOT_PORT ?? '3198';
    baseURL = `http://localhost:${port}`;
    server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'demo', 'server.ts')], {
      cwd: root,
      env: { ...process.env, PORT: port },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    await waitForServer(baseURL, 60_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The first requests of a fresh PGlite are slow (the WASM warms up): keep them out of the picture.
    for (let i = 0; i < 3; i++) await fetch(`${baseURL}/posts`);
    await page.goto(`${baseURL}/posts`);
    await page.getByRole('button', { name: 'Debug toolbar', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Debug toolbar panel' });
    await panel.getByRole('table').locator('tbody tr').first().waitFor();
    await page.mouse.move(0, 0);
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await mkdir(path.dirname(output), { recursive: true });
    await page.screenshot({ path: output });
    console.log(`Saved ${path.relative(root, output)}`);
  } finally {
    await browser.close();
    server?.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
