import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportFileName, testSnippet } from './export.js';

const syntaxErrors = (code: string) =>
  (ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).diagnostics ?? []).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );

describe('testSnippet', () => {
  it('pins the status, the query count and no N+1 for a GET, through the toolbar API', () => {
    const code = testSnippet({ method: 'GET', url: '/api/posts?page=2', status: 200, queryCount: 12 }, '/__toolbar');
    expect(code).toContain("import request from 'supertest';");
    expect(code).toContain(`const TOOLBAR = "/__toolbar";`);
    expect(code).toContain(`describe("GET /api/posts", () => {`);
    expect(code).toContain(`it("answers 200 with at most 12 queries and no N+1"`);
    expect(code).toContain(`const res = await request(app).get("/api/posts?page=2");`);
    expect(code).toContain('expect(res.status).toBe(200);');
    expect(code).toContain("const id = res.headers['x-debug-toolbar-id'];");
    expect(code).toContain('${TOOLBAR}/api/requests/${encodeURIComponent(id)}');
    expect(code).toContain('expect(detail.queryCount).toBeLessThanOrEqual(12);');
    expect(code).toContain('expect(detail.nPlusOne).toHaveLength(0);');
    expect(code).not.toContain('.send(');
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('leaves a place for the body of a POST, and says "query" for one', () => {
    const code = testSnippet({ method: 'POST', url: '/form', status: 303, queryCount: 1 }, '/dbg');
    expect(code).toContain('const res = await request(app).post("/form")\n      .send({ /* the body this route expects */ });');
    expect(code).toContain('answers 303 with at most 1 query and no N+1');
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('escapes a URL that would break the string', () => {
    const code = testSnippet({ method: 'GET', url: '/a"b\\c', status: 404, queryCount: 0 }, '/dbg');
    expect(code).toContain('request(app).get("/a\\"b\\\\c")');
    expect(syntaxErrors(code)).toEqual([]);
  });
});

describe('exportFileName', () => {
  it.each([
    [{ method: 'GET', url: '/api/posts?x=1', id: 'abc-1f' }, 'GET-api-posts-abc-1f.json'],
    [{ method: 'POST', url: '/', id: 'r1' }, 'POST-root-r1.json'],
  ])('%o → %s', (input, name) => expect(exportFileName(input)).toBe(name));
});
