import type { APIRequestContext, Page } from '@playwright/test';
import type { RequestDetail, RequestListResponse } from '../server/types.js';
import { expect, openPanel, postCards, test, toolbar } from './fixtures.js';

/** The toolbar against the demo app, in Chromium. */

test.describe('on /posts (the N+1 page)', () => {
  test('the launcher shows the query count; the panel lists 1 + N queries with call sites', async ({
    page,
  }) => {
    await page.goto('/posts');
    const n = await postCards(page).count();
    expect(n).toBeGreaterThan(1);

    const { launcher, panel, sqlTab, rows } = toolbar(page);
    await expect(launcher).toBeVisible();
    await expect(launcher).toContainText(String(1 + n));
    await expect(launcher).toHaveAccessibleDescription(new RegExp(`^${1 + n} queries`));
    await expect(launcher).toHaveAttribute('aria-expanded', 'false');
    await expect(panel).toBeHidden();

    await openPanel(page);
    await expect(launcher).toHaveAttribute('aria-expanded', 'true');
    await expect(sqlTab).toHaveAttribute('aria-selected', 'true');
    await expect(panel.locator('header')).toContainText(`${1 + n} queries`);

    await expect(rows).toHaveCount(1 + n);
    await expect(rows.first()).toContainText(/demo\/repositories\/posts\.ts:\d+/);
    for (let i = 1; i <= n; i++) {
      await expect(rows.nth(i)).toContainText(/demo\/repositories\/authors\.ts:\d+/);
      await expect(rows.nth(i)).toContainText('FROM authors WHERE id = $1');
    }
    await expect(rows.filter({ hasText: `N+1 ×${n}` })).toHaveCount(n);
  });

  // Issue 18: an opened finding (its queries, stack and fix) used to push the query table off the panel.
  test('findings take at most a third of the panel, scrolling inside, and the query table stays visible', async ({ page }) => {
    await page.goto('/posts');
    const { panel, rows } = await openPanel(page);
    const findings = panel.getByRole('region', { name: 'Findings' });
    await findings.getByRole('button', { name: /^N\+1 ×/ }).click();
    await expect(findings.getByRole('heading', { name: 'Fix' })).toBeAttached();
    const panelBox = (await panel.boundingBox())!;
    const findingsBox = (await findings.boundingBox())!;
    expect(findingsBox.height).toBeLessThanOrEqual(panelBox.height / 3 + 1);
    expect(await findings.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await expect(rows.first()).toBeInViewport();
  });

  test('"Filter queries" narrows the rows', async ({ page }) => {
    await page.goto('/posts');
    const n = await postCards(page).count();
    const { rows, filter } = await openPanel(page);
    await expect(rows).toHaveCount(1 + n);

    await filter.fill('FROM authors');
    await expect(rows).toHaveCount(n);
    await expect(rows.first()).toContainText('authors');

    await filter.fill('ORDER BY p.published_at');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('FROM posts');

    // The call site is searched too.
    await filter.fill('authors.ts');
    await expect(rows).toHaveCount(n);

    await filter.fill('no query looks like this');
    await expect(page.getByText('No queries match the filter.')).toBeVisible();

    await filter.fill('');
    await expect(rows).toHaveCount(1 + n);
  });

  test('"Copy SQL" and "Copy SQL with params" put the statement on the clipboard', async ({
    page,
    context,
    request,
    baseURL,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
    const response = await page.goto('/posts');
    const detail = await requestDetail(request, response?.headers()['x-debug-toolbar-id']);
    const [list, author] = detail.panels.sql!.queries;
    const { rows } = await openPanel(page);
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

    await rows.first().getByRole('button', { name: 'Copy SQL', exact: true }).click();
    await expect.poll(clipboard).toBe(list.sql);

    await rows.first().getByRole('button', { name: 'Copy SQL with params' }).click();
    await expect.poll(clipboard).toBe(list.sql.replace('$1', String(list.params[0])));
    expect(list.sql).toContain('LIMIT $1');

    // The first author lookup: `= 8` where the statement says `= $1`.
    await rows.nth(1).getByRole('button', { name: 'Copy SQL with params' }).click();
    await expect
      .poll(clipboard)
      .toBe(`SELECT id, name, email, bio FROM authors WHERE id = ${String(author.params[0])}`);
  });
});

test('on /duplicates, rows show how often the same query ran', async ({ page, request }) => {
  const response = await page.goto('/duplicates');
  const detail = await requestDetail(request, response?.headers()['x-debug-toolbar-id']);
  expect(detail.panels.sql!.duplicates.map((group) => group.count)).toEqual([3, 3]);

  const { rows, panel } = await openPanel(page);
  await expect(rows).toHaveCount(6);
  await expect(rows.filter({ hasText: 'duplicate ×3' })).toHaveCount(6);
  await expect(panel.getByText('Duplicate query ×3')).toHaveCount(2);
});

test('the host page layout is the same with and without the toolbar', async ({ page, context }) => {
  await page.goto('/posts');
  const { host, launcher } = toolbar(page);
  await expect(launcher).toBeVisible();
  const withToolbar = await measureHost(page);

  expect(await host.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');

  // Open, the panel floats over the page: it does not push anything.
  await openPanel(page);
  expect(await measureHost(page)).toEqual(withToolbar);

  const bare = await context.newPage();
  await bare.route('**/__toolbar/static/**', (route) => route.abort());
  await bare.goto('/posts');
  await expect(bare.locator('article.post-card').first()).toBeVisible();
  expect(await bare.locator('express-debug-toolbar').count()).toBe(0);
  expect(await measureHost(bare)).toEqual(withToolbar);
  await bare.close();
});

test('the toolbar API lists the /posts request with 1 + N queries', async ({ request }) => {
  const response = await request.get('/posts');
  expect(response.ok()).toBe(true);
  const id = response.headers()['x-debug-toolbar-id'];
  expect(id).toBeTruthy();
  const html = await response.text();
  const n = html.match(/<article class="post-card">/g)?.length ?? 0;
  expect(n).toBeGreaterThan(1);
  expect(html).toContain(`src="/__toolbar/static/launcher.js"`);
  expect(html).toContain(`data-request-id="${id}"`);

  const list = (await (await request.get('/__toolbar/api/requests')).json()) as RequestListResponse;
  const summary = list.requests.find((r) => r.id === id);
  expect(summary).toMatchObject({ method: 'GET', url: '/posts', status: 200, queryCount: 1 + n });
  expect(summary?.nPlusOneCount).toBeGreaterThanOrEqual(1);

  const detail = await requestDetail(request, id);
  expect(detail.panels.sql!.queries).toHaveLength(1 + n);
  expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
  expect(detail.panels.sql!.nPlusOne[0].count).toBe(n);
  expect(detail.panels.sql!.nPlusOne[0].callSite?.file).toMatch(/demo[\\/]repositories[\\/]authors\.ts$/);
});

test('a JSON route is recorded but not injected', async ({ request }) => {
  const response = await request.get('/api/posts');
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-type']).toContain('application/json');
  const id = response.headers()['x-debug-toolbar-id'];
  expect(id).toBeTruthy();
  const text = await response.text();
  expect(text).not.toContain('data-debug-toolbar');
  const body = JSON.parse(text) as { count: number; posts: unknown[] };
  expect(body.count).toBe(body.posts.length);

  const detail = await requestDetail(request, id);
  expect(detail).toMatchObject({ url: '/api/posts', queryCount: 1 });
});

test('the panel stays open across a reload, and closed once closed', async ({ page }) => {
  await page.goto('/posts');
  const { panel, launcher, close, rows } = await openPanel(page);
  expect(await page.evaluate(() => localStorage.getItem('express-debug-toolbar:open'))).toBe('true');

  await page.reload();
  await expect(panel).toBeVisible();
  await expect(launcher).toHaveAttribute('aria-expanded', 'true');
  await expect(rows).toHaveCount(1 + (await postCards(page).count()));

  await close.click();
  await expect(panel).toBeHidden();
  await page.reload();
  await expect(launcher).toBeVisible();
  await expect(panel).toBeHidden();
});

test('requests made with fetch() are recorded too', async ({ page, request }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Fetch /api/posts' }).click();
  await expect(page.locator('#fetch-result')).toHaveText(/^Fetched \d+ posts\.$/);

  const list = (await (await request.get('/__toolbar/api/requests')).json()) as RequestListResponse;
  expect(list.requests.some((r) => r.url === '/api/posts' && r.method === 'GET')).toBe(true);
});

test('every demo page renders with the toolbar and the expected query count', async ({ page }) => {
  const pages: [path: string, heading: RegExp, queries: number][] = [
    ['/', /express-debug-toolbar demo/, 0],
    ['/posts/fixed', /Posts \(one JOIN\)/, 1],
    ['/slow', /Slow query/, 2],
    ['/posts/1', /./, 3],
  ];
  for (const [path, heading, queries] of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(toolbar(page).launcher).toHaveAccessibleDescription(
      new RegExp(`^${queries} quer(y|ies)`),
    );
  }

  // "Like" runs a transaction, then redirects back to the post.
  const likes = page.locator('.like-count');
  const before = Number.parseInt((await likes.textContent()) ?? '', 10);
  await page.getByRole('button', { name: /Like/ }).click();
  await expect(page).toHaveURL(/\/posts\/1$/);
  await expect(likes).toHaveText(`${before + 1} likes`);
});

test('the panel opens on every demo page and each tab renders', async ({ page }) => {
  for (const path of ['/', '/posts', '/posts/fixed', '/duplicates', '/slow', '/posts/2']) {
    await page.goto(path);
    const { launcher, panel } = toolbar(page);
    // Open once; the open state is kept from one page to the next.
    if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
    await expect(panel).toBeVisible();
    const tabs = panel.getByRole('tab');
    expect(await tabs.count(), path).toBeGreaterThan(0);
    for (const tab of await tabs.all()) {
      await tab.click();
      await expect(tab).toHaveAttribute('aria-selected', 'true');
      await expect(panel.getByRole('tabpanel')).toBeVisible();
      await expect(panel.getByRole('tabpanel').getByRole('status')).toHaveCount(0); // loaded
      await expect(panel.getByRole('alert'), `${path}: ${await tab.textContent()}`).toHaveCount(0);
    }
  }
});

test('a query expands to its formatted SQL and a finding opens', async ({ page }) => {
  await page.goto('/posts');
  const { rows, panel } = await openPanel(page);
  const expand = rows.first().getByRole('button', { name: 'Show formatted SQL' });
  await expand.click();
  await expect(expand).toHaveAttribute('aria-expanded', 'true');
  await expect(rows.first()).toContainText('FROM');

  const n = await postCards(page).count();
  const finding = panel.getByRole('button', { name: new RegExp(`^N\\+1 ×${n}`) });
  await finding.click();
  await expect(finding).toHaveAttribute('aria-expanded', 'true');
});

test('on /slow, EXPLAIN shows the sequential scan and suggests an index', async ({ page }) => {
  await page.goto('/slow');
  const { panel } = await openPanel(page);
  await panel.getByRole('button', { name: 'Explain query 1' }).click();
  const plan = panel.getByRole('region', { name: 'Query plan for query 1' });
  await expect(plan.getByRole('table', { name: 'Plan nodes' })).toContainText('Seq Scan');
  await expect(plan.getByRole('region', { name: 'Plan suggestions' })).toContainText('page_views');
  // The what-if builds the index in a transaction PGlite rolls back, and shows the planner using it.
  await plan.getByRole('button', { name: 'Try this index' }).click();
  const result = plan.getByRole('region', { name: 'What-if result' });
  await expect(result).toContainText('The planner uses the index');
  await expect(result.getByRole('table', { name: 'Plan with the index' })).toContainText('page_views_path_idx');
});

/** Helpers below: the measurements and API reads the tests compare. */

async function requestDetail(request: APIRequestContext, id: string | undefined): Promise<RequestDetail> {
  expect(id, 'the X-Debug-Toolbar-Id header').toBeTruthy();
  const response = await request.get(`/__toolbar/api/requests/${id}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as RequestDetail;
}

/** Boxes and body styles of the demo's own elements: what the toolbar must never change. */
async function measureHost(page: Page) {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return page.evaluate(() => {
    const box = (selector: string) => {
      const element = document.querySelector(selector);
      if (!element) throw new Error(`no ${selector} on the page`);
      const { x, y, width, height } = element.getBoundingClientRect();
      return { x, y, width, height };
    };
    const style = (element: Element) => {
      const s = getComputedStyle(element);
      return { margin: s.margin, padding: s.padding, overflow: s.overflow, position: s.position };
    };
    return {
      nav: box('nav.site-nav'),
      heading: box('main h1'),
      firstCard: box('article.post-card'),
      footer: box('footer.site-footer'),
      body: style(document.body),
      html: style(document.documentElement),
      scroll: {
        width: document.documentElement.scrollWidth,
        height: document.documentElement.scrollHeight,
      },
    };
  });
}
