import { describe, expect, it } from 'vitest';
import { editorLinkFrom, isSafeLink } from './editor-link.js';

const site = { file: '/home/dev/shop/src/routes/orders.ts', line: 13, column: 5, function: null };
const other = { file: '/home/dev/shop/src/db/items dao.ts', line: 40, column: 12, function: 'load' };

describe('editorLinkFrom', () => {
  it.each([
    ['vscode://file/home/dev/shop/src/routes/orders.ts:13:5', 'vscode://file/home/dev/shop/src/db/items%20dao.ts:40:12'],
    ['idea://open?file=%2Fhome%2Fdev%2Fshop%2Fsrc%2Froutes%2Forders.ts&line=13', 'idea://open?file=%2Fhome%2Fdev%2Fshop%2Fsrc%2Fdb%2Fitems%20dao.ts&line=40'],
    ['http://localhost:63342/api/file/home/dev/shop/src/routes/orders.ts:13', 'http://localhost:63342/api/file/home/dev/shop/src/db/items%20dao.ts:40'],
  ])('%s', (url, expected) => {
    expect(editorLinkFrom(site, url)?.(other)).toBe(expected);
  });

  it('gives up when the file is not in the link', () => {
    expect(editorLinkFrom(site, 'vscode://file/src/routes/orders.ts:13')).toBeNull();
  });

  it('keeps the original link for the frame it came from', () => {
    const url = 'subl://open?url=file://%2Fhome%2Fdev%2Fshop%2Fsrc%2Froutes%2Forders.ts&line=13&column=5';
    expect(editorLinkFrom(site, url)?.(site)).toBe(url);
  });
});

describe('isSafeLink', () => {
  it.each([
    ['vscode://file/a.ts:1', true],
    ['https://x', true],
    ['javascript:alert(1)', false],
    [' JavaScript:alert(1)', false],
    ['data:text/html,x', false],
  ])('%s → %s', (url, safe) => expect(isSafeLink(url)).toBe(safe));
});
