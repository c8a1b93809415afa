import { describe, expect, it } from 'vitest';
import ejs from 'ejs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureFrames, isUserFrame } from '../../server/stack/callsite.js';
import { mapFrame } from '../../server/stack/source-map.js';
import { instrumentEjs } from '../../server/panels/templates/engines/ejs.js';
import { templateFileOf, templateLine } from '../../server/stack/template-lines.js';
import type { RawFrame } from '../../server/types.js';

/*
 * Issue 18 part 7: a frame inside a compiled EJS template (eval'd code named by its sourceURL)
 * is kept with the template's file, and mapped to the template's line through EJS's __line markers.
 */
describe('frames in compiled EJS templates', () => {
  instrumentEjs(ejs);
  const dir = mkdtempSync(join(tmpdir(), 'edt-ejs-lines-'));
  const view = join(dir, 'list.ejs');
  writeFileSync(view, '<ul>\n<% for (const p of locals.posts) { %>\n\n  <li><%= (await locals.look(p)).name %></li>\n<% } %>\n</ul>\n');

  it.each([[false], [true]])('map to the template line (strict: %s)', async (strict) => {
    const seen: RawFrame[][] = [];
    const look = async (p: number) => {
      seen.push(captureFrames(look));
      return { name: `n${p}` };
    };
    const html = await ejs.renderFile(view, { posts: [1, 2], look }, { async: true, strict, _with: !strict, localsName: 'locals' } as ejs.Options & { async: true });
    expect(html).toContain('<li>n2</li>');
    expect(seen).toHaveLength(2);
    const frame = seen[0].find((f) => f.file === view)!;
    expect(frame).toBeDefined();
    expect(isUserFrame(frame)).toBe(true);
    expect(mapFrame(frame)).toEqual({ file: view, line: 4, column: 1, function: null });
  });

  it('leaves other files and other eval\'d code alone', () => {
    expect(templateLine('/app/routes/a.js', 4)).toBeNull();
    expect(templateFileOf(JSON.stringify(view))).toBe(view);
    expect(templateFileOf('"/nowhere.ejs"')).toBeNull();
    expect(templateFileOf(undefined)).toBeNull();
  });
});

/* A marker holds until the block it is in closes: outer frames get their own line, or none. */
describe('frames in compiled Pug templates', () => {
  it('map to the line of each frame\'s own block, the included file\'s lines included, and never a neighbour\'s', async () => {
    const pug = (await import('pug')).default;
    const { instrumentPug } = await import('../../server/panels/templates/engines/pug.js');
    instrumentPug(pug);
    const dir = mkdtempSync(join(tmpdir(), 'edt-pug-lines-'));
    writeFileSync(join(dir, 'row.pug'), 'li\n  = look(a)\n');
    writeFileSync(join(dir, 'list.pug'), 'ul\n  each a in items\n    li= look(a)\n  each a in items\n    include row.pug\n');
    const seen: RawFrame[][] = [];
    const look = (a: number) => {
      seen.push(captureFrames(look));
      return `n${a}`;
    };
    expect(pug.renderFile(join(dir, 'list.pug'), { items: [1], look })).toBe('<ul><li>n1</li><li>n1</li></ul>');
    const sites = seen.map((frames) => frames.filter((f) => f.file === join(dir, 'list.pug')).map(mapFrame)
      .map((s) => (s.lineUnknown ? `${s.file} ?` : `${s.file}:${s.line}`)));
    expect(sites).toEqual([
      [`${dir}/list.pug:3`, `${dir}/list.pug:2`, `${dir}/list.pug ?`],
      [`${dir}/row.pug:2`, `${dir}/list.pug:4`, `${dir}/list.pug ?`],
    ]);
  });
});
