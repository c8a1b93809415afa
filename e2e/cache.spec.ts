import { expect, test, toolbar } from './fixtures.js';

/** The Cache panel on the demo's /cache page, which reads Redis (REDIS_URL) with a GET per post. */
test('on /cache, the Cache tab lists the GETs, finds the N+1 and shows the MGET fix', async ({ page }) => {
  const response = await page.goto('/cache');
  // The demo needs a real Redis for this page; without one it says how to start it.
  test.skip(response?.status() === 503, 'no Redis at REDIS_URL');
  const posts = await page.locator('li.views').count();
  expect(posts).toBeGreaterThan(2);

  const { launcher, panel } = toolbar(page);
  await launcher.click();
  await expect(panel).toBeVisible();
  const tab = panel.getByRole('tab', { name: /^Cache/ });
  await expect(tab).toContainText(String(posts));
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const table = panel.getByRole('table', { name: 'Cache commands' });
  await expect(table.locator(':scope > tbody > tr')).toHaveCount(posts);
  await expect(table.locator(':scope > tbody > tr').first()).toContainText('demo:views:post:1');
  await expect(table.locator(':scope > tbody > tr').first()).toContainText(/demo\/cache\.ts:\d+/);
  const findings = panel.getByRole('list', { name: 'Cache findings' });
  await expect(findings).toContainText(`GET demo:views:post:* ran ${posts} times from demo/cache.ts:`);
  await expect(findings).toContainText('const values = await client.mGet(keys);');
});
