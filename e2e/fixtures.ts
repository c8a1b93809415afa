import { test as base, expect, type Locator, type Page } from '@playwright/test';

/**
 * `test` with one automatic check: no console error and no uncaught exception on the test's page.
 * The toolbar runs inside other people's pages, so it must never make noise there.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const { url } = message.location();
        errors.push(`console.error: ${message.text()}${url ? ` (${url})` : ''}`);
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      await use(errors);
      expect(errors, 'console errors and uncaught exceptions on the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The toolbar's parts, found the way a user (or a screen reader) finds them. */
export function toolbar(page: Page) {
  const panel = page.getByRole('region', { name: 'Debug toolbar panel' });
  const table = panel.getByRole('table', { name: 'SQL queries' });
  return {
    host: page.locator('express-debug-toolbar'),
    launcher: page.getByRole('button', { name: 'Debug toolbar', exact: true }),
    panel,
    sqlTab: panel.getByRole('tab', { name: 'SQL' }),
    table,
    /** The queries' rows, without the header row (and without a query plan's own table). */
    rows: table.locator(':scope > tbody > tr'),
    filter: panel.getByRole('textbox', { name: 'Filter queries' }),
    close: panel.getByRole('button', { name: 'Close debug toolbar' }),
  };
}

/** Opens the panel with the launcher and waits until it shows the request. */
export async function openPanel(page: Page): Promise<ReturnType<typeof toolbar>> {
  const parts = toolbar(page);
  await parts.launcher.click();
  await expect(parts.panel).toBeVisible();
  await expect(parts.table).toBeVisible();
  return parts;
}

/** The post cards the demo rendered: the N of the /posts page's N+1. */
export function postCards(page: Page): Locator {
  return page.locator('article.post-card');
}
