import { describe, expect, it } from 'vitest';
import { injectionSkipReason, insertBeforeBodyClose, launcherTag, type ResponseFacts } from '../../server/inject/inject.js';

const S = '<script x></script>';

describe('insertBeforeBodyClose', () => {
  it.each([
    ['simple', '<html><body>hi</body></html>', `<html><body>hi${S}</body></html>`],
    ['last of several </body>', '<body><!-- </body> --><p>x</p></body>', `<body><!-- </body> --><p>x</p>${S}</body>`],
    ['uppercase', '<HTML><BODY>x</BODY></HTML>', `<HTML><BODY>x${S}</BODY></HTML>`],
    ['mixed case', '<body>x</BoDy>', `<body>x${S}</BoDy>`],
    ['space before >', '<body>x</body >', `<body>x${S}</body >`],
    ['newline and tab before >', '<body>x</BODY\n\t>', `<body>x${S}</BODY\n\t>`],
    ['at the very start', '</body>', `${S}</body>`],
    ['content after </html>', '<body></body></html>\n<!-- tail -->\n', `<body>${S}</body></html>\n<!-- tail -->\n`],
    ['multibyte before and after', '<body>ünï €😀</body>ß', `<body>ünï €😀${S}</body>ß`],
  ])('%s', (_name, input, expected) => {
    const out = insertBeforeBodyClose(Buffer.from(input, 'utf8'), S);
    expect(out?.toString('utf8')).toBe(expected);
  });

  it.each([
    ['no body at all', 'hello'],
    ['only </html>', '<html><p>x</p></html>'],
    ['opening <body> only', '<body><p>x</p>'],
    ['</bodyx> is not </body>', '<body></bodyx>'],
    ['</body without >', '<body></body'],
    ['empty', ''],
  ])('null when %s', (_name, input) => {
    expect(insertBeforeBodyClose(Buffer.from(input, 'utf8'), S)).toBeNull();
  });

  it('keeps a UTF-8 BOM and every other byte in place', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<body>é</body>', 'utf8')]);
    const out = insertBeforeBodyClose(body, S)!;
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(out.toString('utf8')).toBe(`\ufeff<body>é${S}</body>`);
  });

  it('splices latin1 bytes without re-encoding them', () => {
    const body = Buffer.from('<body>caf\xe9 \xff</body>\xe0', 'latin1');
    const out = insertBeforeBodyClose(body, S)!;
    expect(out.equals(Buffer.concat([
      Buffer.from('<body>caf\xe9 \xff', 'latin1'), Buffer.from(S), Buffer.from('</body>\xe0', 'latin1'),
    ]))).toBe(true);
  });

  it('never matches in UTF-16, so such pages are left alone', () => {
    expect(insertBeforeBodyClose(Buffer.from('<body>x</body>', 'utf16le'), S)).toBeNull();
  });

  it('does not mutate its input', () => {
    const body = Buffer.from('<body></body>');
    insertBeforeBodyClose(body, S);
    expect(body.toString()).toBe('<body></body>');
  });
});

describe('launcherTag', () => {
  const base = {
    src: '/__toolbar/launcher.js', requestId: 'r-1', mountPath: '/__toolbar',
  };

  it('has the exact shape, without nonce', () => {
    expect(launcherTag(base)).toBe(
      '<script type="module" src="/__toolbar/launcher.js" data-debug-toolbar="" data-request-id="r-1" ' +
      'data-mount-path="/__toolbar"></script>',
    );
  });

  it("carries the panels' badges as escaped JSON, whatever their text", () => {
    const badges = [{ id: 'sql', label: 'SQL', text: '7', say: '7 queries, 2 duplicated', tone: 'warn' as const }, { id: 'logs', text: `a"b'c<d>&` }];
    const tag = launcherTag({ ...base, badges });
    const attribute = /data-badges="([^"]*)"/.exec(tag)![1];
    expect(attribute).not.toMatch(/[<>'"]/);
    expect(JSON.parse(attribute.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))).toEqual(badges);
    expect(tag.match(/</g)).toHaveLength(2);
  });

  it('names the request a response cache replayed, before the nonce', () => {
    expect(launcherTag({ ...base, replayedFrom: 'r-0', nonce: 'n' })).toMatch(/ data-mount-path="\/__toolbar" data-replayed-from="r-0" nonce="n"><\/script>$/);
  });

  it('adds the nonce last when given, even an empty one', () => {
    expect(launcherTag({ ...base, nonce: 'abc123' })).toMatch(/ data-mount-path="\/__toolbar" nonce="abc123"><\/script>$/);
    expect(launcherTag({ ...base, nonce: '' })).toContain(' nonce=""></script>');
  });

  const nasty = `a"b'c<d>e&f`;
  const escaped = 'a&quot;b&#39;c&lt;d&gt;e&amp;f';
  it.each([
    ['src', 'src'],
    ['requestId', 'data-request-id'],
    ['mountPath', 'data-mount-path'],
    ['nonce', 'nonce'],
    ['replayedFrom', 'data-replayed-from'],
  ] as const)('escapes %s', (field, attribute) => {
    const tag = launcherTag({ ...base, [field]: nasty });
    expect(tag).toContain(` ${attribute}="${escaped}"`);
    // Only the tag's own markup may remain: one opening, one closing, no stray quotes.
    expect(tag.match(/</g)).toHaveLength(2);
    expect(tag.match(/'/g)).toBeNull();
  });

  it('writes non-ASCII as character references so any page charset reads it', () => {
    const tag = launcherTag({ ...base, mountPath: '/tööl😀' });
    expect(tag).toContain('data-mount-path="/t&#xf6;&#xf6;l&#x1f600;"');
    expect(/^[\x20-\x7e]*$/.test(tag)).toBe(true);
  });
});

describe('injectionSkipReason', () => {
  const html: ResponseFacts = { method: 'GET', status: 200, contentType: 'text/html; charset=utf-8', contentEncoding: undefined };

  it.each<[string, Partial<ResponseFacts>]>([
    ['text/html', {}],
    ['text/html without charset', { contentType: 'text/html' }],
    ['uppercase type', { contentType: 'TEXT/HTML; Charset=UTF-8' }],
    ['xhtml', { contentType: 'application/xhtml+xml' }],
    ['latin1 charset', { contentType: 'text/html; charset=iso-8859-1' }],
    ['windows-1252', { contentType: 'text/html; charset=windows-1252' }],
    ['a UTF-8 label starting with unicode', { contentType: 'text/html; charset=unicode-1-1-utf-8' }],
    ['POST', { method: 'post' }],
    ['404 page', { status: 404 }],
    ['300 multiple choices page', { status: 300 }],
    ['500 page', { status: 500 }],
    ['identity encoding', { contentEncoding: 'identity' }],
    ['empty encoding', { contentEncoding: '' }],
  ])('injects: %s', (_name, facts) => {
    expect(injectionSkipReason({ ...html, ...facts })).toBeNull();
  });

  it.each<[Partial<ResponseFacts>, string]>([
    [{ method: 'HEAD' }, 'HEAD request'],
    [{ method: 'head' }, 'HEAD request'],
    [{ status: 204 }, 'status 204'],
    [{ status: 205 }, 'status 205'],
    [{ status: 304 }, 'status 304'],
    [{ status: 101 }, 'status 101'],
    [{ status: 206 }, 'status 206 (range)'],
    [{ status: 302 }, 'status 302 (redirect)'],
    [{ status: 308 }, 'status 308 (redirect)'],
    [{ contentRange: 'bytes 0-10/100' }, 'status 200 (range)'],
    [{ contentType: 'application/json; charset=utf-8' }, 'not HTML (content-type application/json)'],
    [{ contentType: 'text/css' }, 'not HTML (content-type text/css)'],
    [{ contentType: 'text/plain' }, 'not HTML (content-type text/plain)'],
    [{ contentType: 'text/htmlx' }, 'not HTML (content-type text/htmlx)'],
    [{ contentType: undefined }, 'not HTML (content-type missing)'],
    [{ contentEncoding: 'gzip' }, 'content-encoding gzip'],
    [{ contentEncoding: 'BR' }, 'content-encoding br'],
    [{ contentType: 'text/html; charset=UTF-16' }, 'charset utf-16 is not ASCII-compatible'],
    [{ contentType: 'text/html; charset="utf-16le"' }, 'charset utf-16le is not ASCII-compatible'],
    [{ contentType: 'text/html; charset=UCS-2' }, 'charset ucs-2 is not ASCII-compatible'],
    [{ contentType: 'text/html; charset=unicode' }, 'charset unicode is not ASCII-compatible'],
    [{ contentType: 'text/html; charset=iso-2022-jp' }, 'charset iso-2022-jp is not ASCII-compatible'],
    [{ contentType: 'text/html; charset=utf-7' }, 'charset utf-7 is not ASCII-compatible'],
  ])('skips %j: %s', (facts, reason) => {
    expect(injectionSkipReason({ ...html, ...facts })).toBe(reason);
  });
});
