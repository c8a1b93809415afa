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

test('History hides the static files a page loads until asked; a 304 is not a redirect (issue 12)', async ({ page }) => {
  const cssResponse = () => page.waitForResponse((r) => new URL(r.url()).pathname === '/style.css');
  const [first] = await Promise.all([cssResponse(), page.goto('/posts')]);
  // Loaded again, the stylesheet is revalidated: express.static answers 304, without Content-Type.
  const [again] = await Promise.all([cssResponse(), page.reload()]);
  expect(again.status()).toBe(304);
  const ids = [first.headers()['x-debug-toolbar-id'], again.headers()['x-debug-toolbar-id']];
  const { panel } = await openPanel(page);
  await panel.getByRole('tab', { name: 'History' }).click();
  const history = panel.getByRole('table', { name: 'Recorded requests' });
  await expect(history.locator('tr[data-request-id]').first()).toBeVisible();
  for (const id of ids) await expect(history.locator(`tr[data-request-id="${id}"]`)).toHaveCount(0);
  const toggle = panel.getByRole('checkbox', { name: /Static files/ });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(history.locator(`tr[data-request-id="${ids[0]}"]`)).toContainText('/style.css');
  const notModified = history.locator(`tr[data-request-id="${ids[1]}"]`);
  await expect(notModified.locator('.col-status')).toHaveText('304');
  await expect(notModified.locator('.col-flags')).toHaveText('');
});

test('the standalone page puts the picked request in its address and has no × (issue 12)', async ({ page, request }) => {
  const api = await request.get('/api/posts');
  const apiId = api.headers()['x-debug-toolbar-id'];
  await request.get('/posts/fixed');
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  await page.goto('/__toolbar/');
  const panel = page.getByRole('region', { name: 'Debug toolbar panel' });
  await expect(panel.getByRole('table', { name: 'Recorded requests' })).toBeVisible();
  await expect(page).toHaveURL(/\/__toolbar\/#\/requests\/[A-Za-z0-9_-]+$/);
  await expect(panel.getByRole('button', { name: 'Close debug toolbar' })).toHaveCount(0);

  await panel.locator(`tr[data-request-id="${apiId}"]`).click();
  await expect(panel.locator('header')).toContainText('/api/posts');
  await expect(page).toHaveURL(new RegExp(`#/requests/${apiId}$`));
  await page.goBack();
  await expect(panel.locator('header')).not.toContainText('/api/posts');
});
