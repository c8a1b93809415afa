// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { launcherTag } from '../../server/inject/inject.js';
import { STANDALONE_CSP, standaloneHtml } from '../../server/api/standalone-page.js';

/*
 * What the server writes into HTML: the launcher tag in the app's pages and the standalone page.
 * Hostile values must stay attribute values, read back exactly, and create nothing else.
 */

const HOSTILE = [
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '</script><script>alert(1)</script>',
  '&quot; onload=alert(1) x=&#34;',
  '\u2028\u2029\u0000\u001f',
  'עברית 👩‍💻 \u202Eevil',
  '` ${alert(1)} `',
];

const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

describe('launcherTag with hostile values', () => {
  it.each(HOSTILE)('%j stays an attribute value, read back exactly', (value) => {
    const html = launcherTag({ src: `/x/${value}`, requestId: value, mountPath: value, nonce: value, badges: [{ id: 'sql', label: value, text: value, say: value }] });
    const doc = parse(`<body>${html}</body>`);
    const elements = [...doc.body.querySelectorAll('*')];
    expect(elements.map((e) => e.tagName)).toEqual(['SCRIPT']);
    const script = elements[0] as HTMLScriptElement;
    expect(script.textContent).toBe('');
    // The parser turns NUL into U+FFFD wherever it appears; everything else round-trips.
    const expected = value.replace(/\0/g, '\uFFFD');
    expect(script.getAttribute('data-request-id')).toBe(expected);
    expect(script.getAttribute('data-mount-path')).toBe(expected);
    expect(script.getAttribute('nonce')).toBe(expected);
    expect(script.getAttributeNames().filter((name) => name.startsWith('on'))).toEqual([]);
    // ASCII only, so the page's charset cannot change how it reads.
    expect(/^[\x20-\x7e]*$/.test(html)).toBe(true);
  });
});

describe('the standalone page', () => {
  it.each(HOSTILE)('with mount path %j: one script, the path as its attribute, no inline code or JSON', (value) => {
    const html = standaloneHtml(value);
    const doc = parse(html);
    const scripts = [...doc.querySelectorAll('script')];
    expect(scripts).toHaveLength(1);
    expect(scripts[0].textContent).toBe('');
    expect(scripts[0].getAttribute('data-mount-path')).toBe(value.replace(/\0/g, '\uFFFD'));
    expect(doc.querySelectorAll('img, iframe, object, embed, style').length).toBe(0);
    expect([...doc.querySelectorAll('*')].flatMap((e) => e.getAttributeNames()).filter((name) => name.startsWith('on'))).toEqual([]);
    // Nothing is embedded as JSON (which would need `<` escaped as \u003c): the bundle fetches it.
    expect(html).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
  });

  it('its CSP allows no inline script', () => {
    expect(STANDALONE_CSP).toMatch(/script-src 'self';/);
    expect(STANDALONE_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
