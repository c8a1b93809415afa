/**
 * Issue 7, robustness: a page either gets the launcher tag or is left byte-identical, and it
 * always stays valid. Random documents go through real Express apps mounted with the toolbar and
 * are read as raw bytes over a socket. The oracle holds whether the toolbar buffers the page or
 * streams it: only the final bytes are compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import express from 'express';
import express4 from 'express4';
import http from 'node:http';
import { createRequire } from 'node:module';
import { debugToolbar } from '../../server/index.js';
import { listen } from '../support/http.js';

/**
 * How the app writes: res.send(string); res.end(Buffer); Buffers by res.write then res.end();
 * Buffers by res.write, the last one by res.end(chunk); strings by res.write(string, 'utf8').
 */
type Mode = 'send' | 'end' | 'write' | 'write-end' | 'strings';

interface Case {
  mode: Mode;
  contentType: string;
  /** The exact bytes the app writes (for 'send', the UTF-8 of `text`). */
  bytes: Buffer;
  text?: string;
  /** Byte offsets where the body is cut into res.write calls. */
  cuts: number[];
  /** Wait a macrotask between writes, so chunks leave as separate socket writes. */
  pauses: boolean;
  /** The app declares a Content-Length of the original body itself. */
  declareLength: boolean;
  /** Headers passed to res.writeHead(200, headers) instead of res.setHeader. */
  writeHead?: boolean;
}

/** Callbacks the app passed to write/end, and how many of them Node called. */
interface Progress { passed: number; called: number; finished: Promise<void> }

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const TAG = /<script [^>]*\bdata-debug-toolbar\b[^>]*><\/script>/g;
const BODY_OPEN_OF_CLOSE = /<\/body/gi;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

// No token holds a 'y', so `</body` appears only where a closing token puts it.
const TEXT_TOKENS = ['a', 'b', ' ', '\n', '<p>', '</p>', '<b>x</b>', '<', '>', '/', '&amp;', 'é', '中', '😀', '<!-- c -->'];
const CLOSE_TOKENS = ['</body>', '</BODY>', '</Body>', '</body >', '</bOdY\n>', '</body\t>'];

const textArb = fc.array(fc.constantFrom(...TEXT_TOKENS), { maxLength: 30 }).map((t) => t.join(''));

/** A document with 0 to 3 body-closing tags between random text. */
const docArb = fc
  .tuple(textArb, fc.array(fc.tuple(fc.constantFrom(...CLOSE_TOKENS), textArb), { maxLength: 3 }))
  .map(([head, rest]) => `<!doctype html><html><head><title>t</title></head><body>${head}${rest.map(([c, t]) => c + t).join('')}`);

const cutsArb = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 8 }).map((cuts) =>
    cuts.filter((c) => c < length).sort((a, b) => a - b),
  );

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(bytes.subarray(from, cut));
    from = cut;
  }
  return parts.filter((p) => p.length > 0);
}

/** Cuts a string at the code points nearest to the byte offsets (strings cannot split a character). */
function splitText(text: string, cuts: number[]): string[] {
  const chars = [...text];
  const parts: string[] = [];
  let from = 0;
  for (const cut of [...cuts.map((c) => Math.min(c, chars.length)), chars.length]) {
    if (cut > from) parts.push(chars.slice(from, cut).join(''));
    from = Math.max(from, cut);
  }
  return parts;
}

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function rawGet(url: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent, headers: { accept: 'text/html' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The original with `tag` inserted right before the last case-insensitive `</body`, or null without one. */
function expectedInjection(original: Buffer, tag: string): Buffer | null {
  const view = original.toString('latin1');
  let index = -1;
  for (const match of view.matchAll(BODY_OPEN_OF_CLOSE)) index = match.index;
  if (index < 0) return null;
  return Buffer.concat([original.subarray(0, index), Buffer.from(tag, 'latin1'), original.subarray(index)]);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    fatalUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks one response against what the app wrote. `inject`: 'must' when the toolbar has to inject
 * into a document with a `</body>`, 'never' when it has to leave it byte-identical (UTF-16), 'may'
 * when either is right (over maxInjectBytes). In every case, injected means exactly one tag, placed
 * before the last `</body`.
 */
function checkResponse(response: Raw, original: Buffer, inject: 'must' | 'never' | 'may'): void {
  expect(response.status).toBe(200);
  const length = response.headers['content-length'];
  if (length !== undefined) expect(Number(length)).toBe(response.body.length);

  const tags = [...response.body.toString('latin1').matchAll(TAG)].map((m) => m[0]);
  expect(tags.length).toBeLessThanOrEqual(1);
  const [tag] = tags;
  const hasBodyClose = expectedInjection(original, '') !== null;

  if (inject === 'must' && hasBodyClose) expect(tag).toBeDefined();
  if (inject === 'never' || !hasBodyClose) expect(tag).toBeUndefined();
  if (tag === undefined) {
    expect(response.body.equals(original)).toBe(true);
  } else {
    // Injected exactly once, at the right place, for this very request.
    expect(response.body.equals(expectedInjection(original, tag)!)).toBe(true);
    expect(tag).toContain(`data-request-id="${String(response.headers['x-debug-toolbar-id'])}"`);
  }
  if (isUtf8(original)) expect(isUtf8(response.body)).toBe(true);
  if (original.subarray(0, 3).equals(BOM)) expect(response.body.subarray(0, 3).equals(BOM)).toBe(true);
}

function buildApp(lib: typeof express, current: { value: Case | undefined; progress?: Progress }, maxInjectBytes?: number) {
  const app = lib();
  app.use(debugToolbar({ enabled: true, ...(maxInjectBytes === undefined ? {} : { maxInjectBytes }) }));
  app.get('/doc', async (_req, res) => {
    const c = current.value!;
    const progress: Progress = {
      passed: 0,
      called: 0,
      finished: new Promise((resolve) => res.on('finish', () => resolve())),
    };
    current.progress = progress;
    const callback = () => {
      progress.passed++;
      return () => { progress.called++; };
    };
    if (c.mode === 'send') {
      res.setHeader('Content-Type', c.contentType);
      res.send(c.text);
      return;
    }
    const headers: Record<string, string | number> = { 'Content-Type': c.contentType };
    if (c.declareLength) headers['Content-Length'] = c.bytes.length;
    if (c.writeHead) res.writeHead(200, headers);
    else for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (c.mode === 'end') {
      res.end(c.bytes, callback());
      return;
    }
    const parts = c.mode === 'strings' ? splitText(c.text!, c.cuts) : splitAt(c.bytes, c.cuts);
    const last = c.mode === 'write-end' ? parts.pop() : undefined;
    for (const part of parts) {
      if (typeof part === 'string') res.write(part, 'utf8', callback());
      else res.write(part, callback());
      if (c.pauses) await new Promise((resolve) => setImmediate(resolve));
    }
    if (last === undefined) res.end(callback());
    else res.end(last, callback());
  });
  return app;
}

/** Every callback the app gave res.write/res.end was called once the response finished. */
async function checkCallbacks(current: { progress?: Progress }): Promise<void> {
  const progress = current.progress!;
  await progress.finished;
  await new Promise((resolve) => setImmediate(resolve));
  expect(progress.called).toBe(progress.passed);
}

const caseArb = (contentType: string, encode: (doc: string) => Buffer, modes: Mode[]) =>
  fc
    .record({
      doc: docArb,
      bom: fc.boolean(),
      mode: fc.constantFrom(...modes),
      pauses: fc.boolean(),
      declareLength: fc.boolean(),
      writeHead: fc.boolean(),
    })
    .chain((r) => {
      const text = (r.bom ? '\uFEFF' : '') + r.doc;
      const bytes = encode(text);
      return cutsArb(bytes.length).map((cuts): Case => ({
        mode: r.mode,
        contentType,
        bytes,
        text,
        cuts,
        pauses: r.pauses,
        declareLength: r.declareLength,
        writeHead: r.writeHead,
      }));
    });

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('random HTML through the toolbar (%s)', (_name, lib) => {
  const current: { value: Case | undefined; progress?: Progress } = { value: undefined };
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen(buildApp(lib, current));
  });
  afterAll(async () => {
    await server.close();
  });

  async function run(c: Case, inject: 'must' | 'never' = 'must'): Promise<void> {
    current.value = c;
    const response = await rawGet(`${server.url}/doc`);
    checkResponse(response, c.bytes, inject);
    await checkCallbacks(current);
  }

  it('UTF-8 pages sent with res.send, res.end(Buffer) and split res.write get the tag or stay byte-identical', async () => {
    const utf8 = (doc: string) => Buffer.from(doc, 'utf8');
    await fc.assert(
      fc.asyncProperty(caseArb('text/html; charset=utf-8', utf8, ['send', 'end', 'write', 'write-end', 'strings']), (c) => run(c)),
      { numRuns: 150 },
    );
  });

  it('iso-8859-1 and windows-1252 pages get the tag in their own bytes', async () => {
    // Each non-ASCII character becomes one high byte: é (0xe9), € in windows-1252 (0x80) or ÿ (0xff).
    const HIGH = ['\u00e9', '\u0080', '\u00ff'];
    const latin1 = (doc: string) =>
      Buffer.from([...doc].map((ch) => (ch.charCodeAt(0) > 0x7f ? HIGH[ch.charCodeAt(0) % 3] : ch)).join(''), 'latin1');
    const arb = fc
      .constantFrom('text/html; charset=iso-8859-1', 'text/html; charset=windows-1252', 'text/html; charset="ISO-8859-1"')
      .chain((type) => caseArb(type, latin1, ['end', 'write', 'write-end']));
    await fc.assert(fc.asyncProperty(arb, (c) => run(c)), { numRuns: 100 });
  });

  it('UTF-16LE pages stay byte-identical, even with a </body>', async () => {
    const utf16 = (doc: string) => Buffer.from(doc, 'utf16le');
    const arb = fc
      .constantFrom('text/html; charset=utf-16le', 'text/html; charset=UTF-16LE', 'text/html; charset="utf-16le"')
      .chain((type) => caseArb(type, utf16, ['end', 'write', 'write-end']));
    await fc.assert(fc.asyncProperty(arb, (c) => run(c, 'never')), { numRuns: 100 });
  });
});

describe('random HTML around maxInjectBytes, and UTF-16 announced only by its BOM', () => {
  const MAX = 100;
  const current: { value: Case | undefined; progress?: Progress } = { value: undefined };
  let server: Awaited<ReturnType<typeof listen>>;
  let unlimited: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen(buildApp(express, current, MAX));
    unlimited = await listen(buildApp(express, current));
  });
  afterAll(async () => {
    await server.close();
    await unlimited.close();
  });

  it('pages just under and over maxInjectBytes get the tag or stay byte-identical, never anything else', async () => {
    const utf8 = (doc: string) => Buffer.from(doc, 'utf8');
    let over = 0;
    let under = 0;
    await fc.assert(
      fc.asyncProperty(caseArb('text/html; charset=utf-8', utf8, ['send', 'end', 'write', 'write-end', 'strings']), async (c) => {
        current.value = c;
        const response = await rawGet(`${server.url}/doc`);
        if (c.bytes.length > MAX) over++;
        else under++;
        checkResponse(response, c.bytes, c.bytes.length > MAX ? 'may' : 'must');
        await checkCallbacks(current);
      }),
      { numRuns: 150 },
    );
    // Both sides of the limit were exercised.
    expect(over).toBeGreaterThan(10);
    expect(under).toBeGreaterThan(10);
  });

  it('a UTF-16 page with a BOM stays byte-identical even labelled utf-8, though its bytes hold "</body>"', async () => {
    // Browsers decode by the BOM whatever the label says. In UTF-16LE '⼼潢祤‾' is the bytes
    // `</body> `, and in UTF-16BE '㰯扯摹㸠' is: an ASCII tag spliced there would garble the page.
    const trap = { le: '⼼潢祤‾', be: '㰯扯摹㸠' };
    const arb = fc
      .record({
        doc: docArb,
        order: fc.constantFrom('le' as const, 'be' as const),
        traps: fc.integer({ min: 1, max: 3 }),
        type: fc.constantFrom('text/html', 'text/html; charset=utf-8'),
        mode: fc.constantFrom<Mode>('end', 'write', 'write-end'),
        pauses: fc.boolean(),
      })
      .chain((r) => {
        const text = `\uFEFF${r.doc}${trap[r.order].repeat(r.traps)}</body></html>`;
        const le = Buffer.from(text, 'utf16le');
        const bytes = r.order === 'le' ? le : Buffer.from(le).swap16();
        return cutsArb(bytes.length).map((cuts): Case => ({
          mode: r.mode, contentType: r.type, bytes, cuts, pauses: r.pauses, declareLength: false,
        }));
      });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        expect(expectedInjection(c.bytes, '')).not.toBeNull();
        current.value = c;
        checkResponse(await rawGet(`${unlimited.url}/doc`), c.bytes, 'never');
        await checkCallbacks(current);
      }),
      { numRuns: 100 },
    );
  });
});

afterAll(() => {
  agent.destroy();
});

describe('XHTML served as application/xhtml+xml', () => {
  // jsdom is a devDependency without type declarations; its XML mode is a strict parser (saxes).
  const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
    JSDOM: new (markup: string, options: { contentType: string }) => { window: { document: { querySelector(s: string): unknown } } };
  };
  const XHTML = '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>é</title></head>' +
    '<body><p>中 😀</p></body></html>';
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ enabled: true }));
    app.get('/xhtml', (_req, res) => { res.type('application/xhtml+xml').send(XHTML); });
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
  });

  it('stays well-formed XML, so the browser still renders it', async () => {
    expect(() => new JSDOM(XHTML, { contentType: 'application/xhtml+xml' })).not.toThrow();
    const response = await rawGet(`${server.url}/xhtml`);
    const original = Buffer.from(XHTML, 'utf8');
    // Injected or not, the usual rules hold...
    checkResponse(response, original, 'may');
    // ...and an XML parser, like a browser's for this type, still accepts the page.
    expect(() => new JSDOM(response.body.toString('utf8'), { contentType: 'application/xhtml+xml' })).not.toThrow();
  });
});
