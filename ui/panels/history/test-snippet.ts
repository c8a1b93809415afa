/** "Copy as test": a regression test for a recorded request, in the app's module system and test runner. */
import type { RequestDetail } from '../../../server/types.js';

export type TestRunner = 'vitest' | 'jest' | 'node:test' | 'mocha';
export type ModuleSystem = 'esm' | 'cjs';
export interface TestFormat {
  runner: TestRunner;
  module: ModuleSystem;
}
export const TEST_RUNNERS: readonly TestRunner[] = ['vitest', 'jest', 'node:test', 'mocha'];

type SnippetDetail = Pick<RequestDetail, 'method' | 'url' | 'status' | 'queryCount' | 'nPlusOneCount' | 'requestHeaders'>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const q = (value: string) => JSON.stringify(value);

/** The imports of each runner: node:test and mocha assert with node:assert, vitest and jest with expect. */
function imports(format: TestFormat, appImport: string): string[] {
  const esm = format.module === 'esm' || format.runner === 'vitest';
  const use = (names: string, from: string) => (esm ? `import ${names} from ${q(from)};` : `const ${names.replace(/ as /g, ': ')} = require(${q(from)});`);
  const app = use('{ app }', appImport) + ' // your Express app, with debugToolbar() mounted, not listening';
  switch (format.runner) {
    case 'node:test': return [use('{ describe, it }', 'node:test'), use('assert', 'node:assert/strict'), app];
    case 'mocha': return ['// mocha: describe and it are globals', use('assert', 'node:assert/strict'), app];
    case 'vitest': return [
      ...(format.module === 'cjs' ? ['// vitest runs test files as ES modules; it imports a CommonJS app as well'] : []),
      use('{ describe, expect, it }', 'vitest'), app];
    case 'jest': return [esm ? use('{ describe, expect, it }', '@jest/globals') : '// jest: describe, expect and it are globals', app];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request's headers worth sending again: the auth ones, as placeholders (the toolbar stores them redacted). */
function headerLines(detail: SnippetDetail, hasBody: boolean): string[] {
  const sent = new Set((detail.requestHeaders ?? []).map((h) => h.name.toLowerCase()));
  const lines: string[] = [];
  if (sent.has('authorization')) {
    // The scheme the app used (`Token`, `Bearer`…) is kept; only the credential is a placeholder.
    const scheme = /^([A-Za-z][\w-]*) /.exec(detail.requestHeaders!.find((h) => h.name.toLowerCase() === 'authorization')!.value)?.[1] ?? 'Bearer';
    lines.push('  // The toolbar stores credentials redacted: set TEST_AUTHORIZATION to a valid one, or the app may answer 401 or 500.');
    lines.push(`  authorization: process.env.TEST_AUTHORIZATION ?? '${scheme} <token>',`);
  }
  if (sent.has('cookie')) lines.push("  cookie: process.env.TEST_COOKIE ?? '<session cookie>',");
  if (lines.length === 0) lines.push("  // authorization: process.env.TEST_AUTHORIZATION ?? 'Bearer <token>',");
  if (hasBody) lines.push("  'content-type': 'application/json',");
  return lines;
}

/**
 * A test that sends the recorded request again (its method, path and query) to the app on a free
 * port, then reads the toolbar's record of it, and asserts today's status, query count and number
 * of N+1 groups, the counts as ceilings: it passes today and fails when the route gets worse. No
 * dependency beyond the runner: `fetch` and `app.listen(0)`.
 *
 * @example
 * copyText(testSnippet(detail, '/__toolbar', { runner: 'node:test', module: 'esm' }));
 */
export function testSnippet(detail: SnippetDetail, mountPath: string, format: TestFormat = { runner: 'vitest', module: 'esm' },
  appImport = format.module === 'esm' ? './app.js' : './app'): string {
  const method = detail.method.toUpperCase();
  const hasBody = BODY_METHODS.has(method) && method !== 'DELETE';
  const maxQueries = detail.queryCount;
  const maxNPlusOne = detail.nPlusOneCount;
  const route = `${method} ${detail.url.split('?')[0]}`;
  const expectLike = format.runner === 'vitest' || format.runner === 'jest';
  const checks = expectLike
    ? [
      `expect(status).toBe(${detail.status});`,
      `expect(detail.queryCount, 'queries').toBeLessThanOrEqual(${maxQueries});`,
      `expect(detail.nPlusOneCount, 'N+1 groups').toBeLessThanOrEqual(${maxNPlusOne});`,
    ]
    : [
      `assert.equal(status, ${detail.status});`,
      `assert.ok(detail.queryCount <= ${maxQueries}, \`\${detail.queryCount} queries, at most ${maxQueries} expected\`);`,
      `assert.ok(detail.nPlusOneCount <= ${maxNPlusOne}, \`\${detail.nPlusOneCount} N+1 groups, at most ${maxNPlusOne} expected\`);`,
    ];
  if (format.runner === 'jest') checks.splice(1, 2, `expect(detail.queryCount).toBeLessThanOrEqual(${maxQueries});`, `expect(detail.nPlusOneCount).toBeLessThanOrEqual(${maxNPlusOne});`);
  const title = `answers ${detail.status} with at most ${maxQueries} ${maxQueries === 1 ? 'query' : 'queries'} and ${maxNPlusOne} N+1`;
  // A fresh process opens its database connections on its first request, and an ORM's set-up
  // statements on them (Sequelize's SET …) would count: today's count came from a warm server.
  const warmUp = SAFE_METHODS.has(method)
    ? "await fetch(base + path, { method, headers: HEADERS, redirect: 'manual' }).then((warm) => warm.arrayBuffer()); // warm-up: the first request opens the pool's connections"
    : '// No warm-up for a request that changes data: if this fails by a few queries, the first request opened the pool\'s connections.';
  return `${imports(format, appImport).join('\n')}

const TOOLBAR = ${q(mountPath)};
const HEADERS = {
${headerLines(detail, hasBody).join('\n')}
};

/** Sends one request to the app on a free port; returns its status and the toolbar's record of it. */
async function recorded(method, path, init = {}) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const base = \`http://127.0.0.1:\${server.address().port}\`;
  try {
    ${warmUp}
    const res = await fetch(base + path, { method, headers: HEADERS, redirect: 'manual', ...init });
    await res.arrayBuffer();
    const id = res.headers.get('x-debug-toolbar-id');
    if (!id) throw new Error('no X-Debug-Toolbar-Id header: is debugToolbar() mounted, and does it allow this request?');
    // The toolbar stores a request as its response ends: ask again briefly if it is not there yet.
    for (let attempt = 0; ; attempt++) {
      const record = await fetch(\`\${base}\${TOOLBAR}/api/requests/\${encodeURIComponent(id)}\`);
      if (record.ok) return { status: res.status, detail: await record.json() };
      if (attempt >= 40) throw new Error(\`debug toolbar: request \${id} not found (HTTP \${record.status})\`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    server.close();
    server.closeAllConnections?.();
  }
}

describe(${q(route)}, () => {
  // Today's counts are ceilings: fewer is better, more is a regression.
  it(${q(title)}, async () => {
    const { status, detail } = await recorded(${q(method)}, ${q(detail.url)}${hasBody ? ", { body: JSON.stringify({ /* the body this route expects */ }) }" : ''});
${checks.map((line) => `    ${line}`).join('\n')}
  });
});
`;
}
