import { expect, openPanel, test, toolbar } from './fixtures.js';

/** Issue 15: the panels on the server's panel contract, in Chromium against the demo. */

test('/logs: the launcher shows the warning, the Logs tab lists the lines with their code lines, the SQL between them on demand', async ({ page }) => {
  await page.goto('/logs');
  const { launcher } = toolbar(page);
  await expect(launcher).toContainText('1 warning');
  const { panel } = await openPanel(page);
  await panel.getByRole('tab', { name: /^Logs/ }).click();
  const table = panel.getByRole('table', { name: 'Log lines' });
  const rows = table.locator('tbody > tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('rendering the settings page for');
  await expect(rows.nth(0)).toContainText(/demo\/logs-and-request\.ts:\d+/);
  await expect(rows.nth(1)).toContainText('warn');
  await expect(rows.nth(2)).toContainText("apiToken: '[redacted]'");
  await expect(rows.nth(2)).not.toContainText('demo-secret-token');
  await panel.getByRole('checkbox', { name: 'Show SQL in order' }).check();
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1)).toContainText('FROM site_settings');
});

test('a JSON request\'s Request tab shows the route, params and both bodies, secrets redacted', async ({ page, request }) => {
  const response = await request.post('/api/posts/1/notes?from=e2e', { data: { note: 'hello', password: 'hunter22' } });
  expect(response.status()).toBe(201);
  const id = response.headers()['x-debug-toolbar-id'];
  await page.goto(`/__toolbar/#/requests/${id}`);
  const panel = page.getByRole('region', { name: 'Debug toolbar panel' });
  await panel.getByRole('tab', { name: 'Request' }).click();
  await expect(panel).toContainText('/api/posts/:id/notes');
  await expect(panel.getByRole('table', { name: 'Route params' })).toContainText('id1');
  await expect(panel.getByRole('table', { name: 'Query' })).toContainText('frome2e');
  await expect(panel.getByLabel('Request body')).toContainText('"password": "[redacted]"');
  await expect(panel.getByLabel('Response body')).toContainText('"note": "hello"');
  await expect(panel.getByLabel('Response body')).toContainText('"password": "[redacted]"');
});
