import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import express from 'express';
import { debugToolbar } from '../../server/index.js';
import { fetchRecorded, listen } from '../support/http.js';
import { DEFAULT_PATH_REDACTION, looksLikeToken, redactUrl } from '../../server/security/redact-url.js';
import { isSecretName, nameMatcher } from '../../server/security/redact.js';

const R = '[redacted]';

describe('secrets in URL paths', () => {
  it.each([
    ['/reset/abc', `/reset/${R}`],
    ['/api/push/AbC123xyz', `/api/push/${R}`],
    ['/verify/xyz?step=2', `/verify/${R}?step=2`],
    ['/password-reset/u1/Zk9xQm2LpR7tWv3Y', `/password-reset/${R}/${R}`],
    ['/password/reset/tok', `/password/reset/${R}`],
    ['/api/token/', `/api/token/`],
    ['/invitations/accept', '/invitations/accept'],
    ['/invite/q1w2e3', `/invite/${R}`],
    ['/files/0a1b2c3d4e5f67890a1b2c3d4e5f6789', `/files/${R}`],
    ['/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', `/t/${R}`],
    ['/services/T0AB12CD3/B0CDE45FG/aBcD3fGh1JkL2mNo3PqR4sTu', `/services/T0AB12CD3/B0CDE45FG/${R}`],
    ['https://api.example.com/v1/reset/abc?q=1', `https://api.example.com/v1/reset/${R}?q=1`],
    ['/reset/a%2Fb', `/reset/${R}`],
    ['/reset//abc', `/reset//${R}`],
    ['/reset/./abc', `/reset/./${R}`],
    ['/RESET/abc', `/RESET/${R}`],
    ['/reset%2Fabc', `/reset%2F${R}`],
    ['/api/push%2Fabc/x', `/api/push%2F${R}/${R}`],
    // Ids and slugs stay readable.
    ['/posts/my-first-blog-post-2024', '/posts/my-first-blog-post-2024'],
    ['/users/550e8400-e29b-41d4-a716-446655440000', '/users/550e8400-e29b-41d4-a716-446655440000'],
    ['/users/507f1f77bcf86cd799439011/edit', '/users/507f1f77bcf86cd799439011/edit'],
    ['/orders/12345678901234567890', '/orders/12345678901234567890'],
    ['/docs/getting-started/installation', '/docs/getting-started/installation'],
    ['/static/app.3f9a1c.js', '/static/app.3f9a1c.js'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('is configurable: other words, no token guessing, or off', () => {
    const downloads = { after: nameMatcher(['download']), tokenLike: false };
    expect(redactUrl('/download/x/0a1b2c3d4e5f67890a1b2c3d4e5f6789', isSecretName, downloads))
      .toBe(`/download/${R}/0a1b2c3d4e5f67890a1b2c3d4e5f6789`);
    expect(redactUrl('/reset/abc?token=t', isSecretName, null)).toBe(`/reset/abc?token=${R}`);
    expect(redactUrl('/reset/abc', isSecretName, DEFAULT_PATH_REDACTION)).toBe(`/reset/${R}`);
  });

  it.each([
    ['Zk9xQm2LpR7tWv3Y', true], ['0a1b2c3d4e5f6789', true], ['a1b2c3d4e5f6g7h8i9j0', true],
    ['aaaaaaaaaaaaaaa1', false], ['my-first-blog-post-2024', false], ['deadbeefcafebabe', false], ['short1', false],
    ['550e8400-e29b-41d4-a716-446655440000', false], ['507f1f77bcf86cd799439011', false], ['12345678901234567890', false],
  ])('looksLikeToken(%j) → %s', (segment, expected) => {
    expect(looksLikeToken(segment)).toBe(expected);
  });
});

describe('URLs nested in query values and fragments', () => {
  it.each([
    ['/go?to=/done?token=abc', `/go?to=/done?token=${R}`],
    ['/go?to=/done?token=abc&x=1', `/go?to=/done?token=${R}&x=1`],
    ['/go?to=%2Fdone%3Ftoken%3Dabc', `/go?to=%2Fdone%3Ftoken%3D${R}`],
    ['/go?next=/reset/abc', `/go?next=/reset/${R}`],
    ['/go?next=https%3A%2F%2Fx.example%2Fcb%3Fcode%3D1%26access_token%3Dabc', `/go?next=https%3A%2F%2Fx.example%2Fcb%3Fcode%3D1%26access_token%3D${R}`],
    ['/go?a=/b?c=/d?password=p', `/go?a=/b?c=/d?password=${R}`],
    ['/go?state=token%3Dabc', `/go?state=token%3D${R}`],
    ['/go?state=token=abc', `/go?state=token=${R}`],
    ['/go?sig=a==', `/go?sig=${R}`],
    ['/go?q=a==b', '/go?q=a==b'],
    ['/cb#access_token=abc&state=xyz', `/cb#access_token=${R}&state=xyz`],
    ['/cb?x=1#id_token=abc', `/cb?x=1#id_token=${R}`],
    ['/cb#section-2', '/cb#section-2'],
    ['/go?to=/done?page=2', '/go?to=/done?page=2'],
    ['/go?to=%E0%A4%A', '/go?to=%E0%A4%A'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('deep nesting is read to a bounded depth, without recursion trouble', () => {
    const url = `/x${'?a=/b'.repeat(5000)}?token=t`;
    expect(redactUrl(url)).toBe(`/x${'?a=/b'.repeat(5000)}?token=${R}`);
    // Encoded four times: past the levels read, the value is hidden whole rather than trusted.
    let nested = 'token=abc';
    for (let i = 0; i < 4; i++) nested = encodeURIComponent(`/n?to=${nested}`);
    expect(redactUrl(`/x?to=${nested}`)).not.toContain('abc');
    // Chains of `=` and `#` nest without limit: read to the same depth, no stack overflow.
    expect(redactUrl(`/x?a=${'='.repeat(20000)}`)).toBe(`/x?a====${R}`);
    expect(redactUrl(`/x#a=${'/b#a='.repeat(20000)}`)).toContain(R);
  });
});

describe('the redactPathSegments option, on a real app', () => {
  const TOKEN = 'Zk9xQm2LpR7tWv3Y8sA1';
  it.each<[Parameters<typeof debugToolbar>[0], string, string]>([
    [{}, `/download/abc/${TOKEN}?token=t`, `/download/abc/${R}?token=${R}`],
    [{ redactPathSegments: { after: ['download'] } }, `/download/abc/${TOKEN}?token=t`, `/download/${R}/${R}?token=${R}`],
    [{ redactPathSegments: { tokenLike: false } }, `/download/abc/${TOKEN}?token=t`, `/download/abc/${TOKEN}?token=${R}`],
    [{ redactPathSegments: false }, '/reset/abc?token=t', `/reset/abc?token=${R}`],
    [{}, '/reset/abc?token=t', `/reset/${R}?token=${R}`],
  ])('%j: %s is stored as %s', async (options, path, stored) => {
    const app = express();
    app.use(debugToolbar(options));
    app.use((_req, res) => res.json({}));
    const server = await listen(app);
    try {
      expect((await fetchRecorded(server.url, path)).detail.url).toBe(stored);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['yes', /redactPathSegments.*false or an object/],
    [{ after: 'reset' }, /redactPathSegments.after.*array/],
    [{ tokenlike: true }, /redactPathSegments.*not `tokenlike`/],
    [{ tokenLike: 1 }, /redactPathSegments.tokenLike.*boolean/],
  ])('%j is rejected with a clear TypeError', (redactPathSegments, message) => {
    expect(() => debugToolbar({ enabled: true, redactPathSegments: redactPathSegments as never })).toThrow(message);
  });
});

describe('property: a secret placed where a URL carries one never survives', () => {
  const word = fc.constantFrom('users', 'posts', 'api', 'v1', 'done', 'home', 'a-b', 'x_y', '42', 'search');
  const key = fc.constantFrom('q', 'page', 'to', 'next', 'redirect', 'state', 'ref');
  const secretKey = fc.constantFrom('token', 'access_token', 'apiKey', 'password', 'X-Signature', 'client_secret', 'sessionId');
  const keyword = fc.constantFrom('reset', 'verify', 'push', 'token', 'invite', 'password-reset', 'confirm');
  const secret = fc.stringMatching(/^[A-Za-z0-9_-]{4,12}$/).map((tail) => `S3cr3t${tail}`);
  const path = fc.array(word, { maxLength: 3 }).map((words) => words.map((w) => `/${w}`).join(''));
  const extra = fc.array(fc.tuple(key, word), { maxLength: 2 }).map((pairs) => pairs.map(([k, v]) => `&${k}=${v}`).join(''));
  /** Where the secret goes: the URL that carries it. */
  const placed = fc.tuple(path, keyword, secretKey, key, secret, extra, fc.nat({ max: 6 }), fc.nat({ max: 5 })).map(
    ([base, kw, sk, k, value, more, where, encodings]) => {
      const nestedQuery = `/${kw}?${sk}=${value}`;
      let nested = where % 2 === 0 ? `/done?${sk}=${value}` : `/${kw}/${value}`;
      for (let i = 0; i < encodings; i++) nested = encodeURIComponent(nested);
      switch (where) {
        case 0: return `${base}/${kw}/${value}?x=1${more}`;
        case 1: return `${base}?${sk}=${value}${more}`;
        case 2: return `${base}?${k}=${nested}${more}`;
        case 3: return `${base}?${k}=${nested}`;
        case 4: return `${base}#${sk}=${value}${more}`;
        case 5: return `https://user:${value}@example.com${base}?q=1`;
        default: return `${base}?${k}=${encodeURIComponent(nestedQuery)}${more}`;
      }
    });

  it('in paths, query keys, nested URLs (raw or encoded), fragments and userinfo', () => {
    fc.assert(fc.property(placed, (url) => {
      const value = /S3cr3t[A-Za-z0-9_-]+/.exec(url)![0];
      expect(redactUrl(url)).not.toContain(value);
    }), { numRuns: 3000 });
  });

  it('never throws, on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      expect(typeof redactUrl(text)).toBe('string');
    }), { numRuns: 3000 });
  });
});
