import type { APIRequestContext, Page } from '@playwright/test';
import type { RequestDetail } from '../server/types.js';
import { expect, postCards, test, toolbar } from './fixtures.js';

/*
 * Issue 12, in Chromium against the demo: htmx and Turbo swap the whole <body>, and the launcher
 * went with it until a full reload. The demo's /swap page swaps bodies the way those libraries do
 * (demo/public/swap.js: fetch + body.replaceWith with a snapshot for Back, like Turbo Drive;
 * XMLHttpRequest + body.innerHTML with a saved copy for Back, like hx-boost).
 */

async function queryCount(request: APIRequestContext, id: string | undefined): Promise<number> {
  expect(id).toBeTruthy();
  await expect.poll(async () => (await request.get(`/__toolbar/api/requests/${id}`)).status()).toBe(200);
  return ((await (await request.get(`/__toolbar/api/requests/${id}`)).json()) as RequestDetail).queryCount;
}

const shortcut = (page: Page) => page.keyboard.press('Alt+Shift+D');

test('the launcher survives Turbo-style and htmx-style body swaps, follows each page, and Back brings the earlier one', async ({ page }) => {
  const first = await page.goto('/swap');
  const swapId = first?.headers()['x-debug-toolbar-id'];
  const { host, launcher, panel, rows } = toolbar(page);
  await expect(launcher).toContainText('0');

  // Turbo Drive: fetch, then document.body.replaceWith(the new body).
  const [turbo] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/posts' && r.request().resourceType() === 'fetch'),
    page.getByRole('link', { name: 'Posts (N+1), Turbo Drive style' }).click(),
  ]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Posts (N+1)');
  expect(page.url()).toMatch(/\/posts$/);
  const n = await postCards(page).count();
  await expect(host).toHaveCount(1);
  await expect(launcher).toBeVisible();
  await expect(launcher).toHaveAccessibleDescription(new RegExp(`^${1 + n} queries`));
  await shortcut(page);
  await expect(panel).toBeVisible();
  await expect(panel.locator('header')).toContainText('/posts');
  await expect(rows).toHaveCount(1 + n);
  await expect(page).toHaveTitle(/Posts \(N\+1\)/);
  expect(turbo.headers()['x-debug-toolbar-id']).toBeTruthy();

  // Back: the snapshot of /swap comes back, with its own request; the open panel follows it.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Body swaps (htmx, Turbo)');
  await expect(host).toHaveCount(1);
  await expect(launcher).toHaveAccessibleDescription('0 queries');
  await expect(panel.locator('header')).toContainText('/swap');
  await expect(panel.locator('header')).not.toContainText('/posts');
  await shortcut(page);
  await expect(panel).toBeHidden();

  // htmx hx-boost: XMLHttpRequest, then body.innerHTML = the new body's.
  const [htmx] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/posts/fixed' && r.request().resourceType() === 'xhr'),
    page.getByRole('link', { name: 'Posts (JOIN), htmx hx-boost style' }).click(),
  ]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Posts (one JOIN)');
  await expect(host).toHaveCount(1);
  await expect(launcher).toHaveAccessibleDescription('1 query');
  await launcher.click();
  await expect(panel.locator('header')).toContainText('/posts/fixed');
  await expect(rows).toHaveCount(1);
  expect(htmx.headers()['x-debug-toolbar-id']).not.toBe(swapId);

  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Body swaps (htmx, Turbo)');
  await expect(host).toHaveCount(1);
  await expect(panel.locator('header')).toContainText('/swap');
});

test('the badge adds the queries of the fetch and XHR requests the page fires', async ({ page, request }) => {
  await page.goto('/swap');
  const { host, launcher } = toolbar(page);
  const more = host.locator('.l-more');
  await expect(launcher).toBeVisible();
  await expect(more).toBeHidden();

  const fired: (string | undefined)[] = [];
  for (const [name, type] of [['Load authors with fetch()', 'fetch'], ['Load authors with XMLHttpRequest', 'xhr']] as const) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/swap/fragment' && r.request().resourceType() === type),
      page.getByRole('button', { name }).click(),
    ]);
    fired.push(response.headers()['x-debug-toolbar-id']);
    // The page still gets its fragment.
    await expect(page.locator('#fragment li')).toHaveCount(5);
  }
  const total = (await queryCount(request, fired[0])) + (await queryCount(request, fired[1]));
  expect(total).toBe(12); // 1 + 5 each: the fragment's own N+1
  await expect(more).toHaveText(`+${total} in 2 fetches`);
  await expect(more).toHaveClass(/l-warn/);
  await expect(launcher).toHaveAccessibleDescription(`0 queries; +${total} in 2 fetches`);
});
