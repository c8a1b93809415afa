import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/browser.js';

/**
 * End-to-end tests: the demo app in Chromium. `npm run build` must run first (`npm test` does):
 * the demo imports the toolbar from the package's built entry point.
 */

// The demo imports 'express-debug-toolbar', which resolves to dist/: say so plainly rather than
// letting the web server die with a module-not-found error.
if (!existsSync(fileURLToPath(new URL('./dist/server/index.js', import.meta.url)))) {
  throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests.');
}

const PORT = Number(process.env.E2E_PORT ?? 3199);
const baseURL = `http://localhost:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 1 : 2,
  reporter: 'list',
  // Generous: PGlite and Chromium share two cores with everything else on a CI runner.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunchOptions },
    },
  ],
  webServer: {
    command: 'npx tsx demo/server.ts',
    url: baseURL,
    env: { PORT: String(PORT) },
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
