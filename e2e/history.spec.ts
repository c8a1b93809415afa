import { expect, openPanel, test } from './fixtures.js';

/** The History tab and the standalone page against the demo app, in Chromium. */

test('History lists recorded requests; picking one switches every tab, and Back returns', async ({ page, request }) => {
  // A request of another route, recorded before the page the panel opens on.
  const api = await request.get('/api/posts');
  expect(api.ok()).toBe(true);
  const apiId = api.headers()['x-debug-toolbar-id'];
  expect(apiId).toBeTruthy();

  await page.goto('/posts');
  const { panel } = await openPanel(page);
  await panel.getByRole('tab', { name: 'History' }).click();
  const history = panel.getByRole('table', { name: 'Recorded requests' });
  const apiRow = history.locator(`tr[data-request-id="${apiId}"]`);
  await expect(apiRow).toContainText('/api/posts');

  await apiRow.click();
  await expect(panel.getByText(`You are looking at GET /api/posts (request ${apiId}), not this page`)).toBeVisible();
  await panel.getByRole('tab', { name: 'SQL' }).click();
  await expect(panel.locator('header')).toContainText('/api/posts');

  await panel.getByRole('button', { name: 'Back to this page' }).click();
  await expect(panel.getByText('not this page')).toBeHidden();
  await expect(panel.locator('header')).toContainText('/posts');
});

test('the standalone page opens the request its X-Debug-Toolbar-Link names', async ({ page, request }) => {
  const api = await request.get('/api/posts');
  const link = api.headers()['x-debug-toolbar-link'];
  expect(link).toMatch(/#\/requests\//);
  // The shell names no icon and the demo serves none: Chromium's favicon.ico 404 is not ours.
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  await page.goto(link);
  const panel = page.getByRole('region', { name: 'Debug toolbar panel' });
  await expect(panel.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel.locator('header')).toContainText('/api/posts');
  await expect(panel.getByRole('table', { name: 'Recorded requests' })).toBeVisible();
});

test('a fetch the page makes after it loaded appears live in History, and shows its queries', async ({ page }) => {
  await page.goto('/');
  const { panel, table } = await openPanel(page);
  await panel.getByRole('tab', { name: 'History' }).click();
  const history = panel.getByRole('table', { name: 'Recorded requests' });
  await expect(history).toBeVisible();

  // The host page's own button: its fetch is recorded and streamed to the open panel, no reload.
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/posts')),
    // The open panel covers the bottom of the page, where the button is: press it as a script would.
    page.getByRole('button', { name: 'Fetch /api/posts' }).dispatchEvent('click'),
  ]);
  const id = response.headers()['x-debug-toolbar-id'];
  const row = history.locator(`tr[data-request-id="${id}"]`);
  await expect(row).toContainText('/api/posts');

  await row.click();
  await panel.getByRole('tab', { name: 'SQL' }).click();
  await expect(panel.locator('header')).toContainText('/api/posts');
  await expect(table.locator(':scope > tbody > tr').first()).toContainText(/SELECT/i);
});
