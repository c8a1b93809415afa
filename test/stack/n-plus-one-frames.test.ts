import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { captureFrames, isUserFrame } from '../../server/stack/callsite.js';
import { captureFramesOnAwait } from '../../server/stack/await-frames.js';
import { currentContext, requestContext } from '../../server/request/context.js';
import type { LiveRequest } from '../../server/request/record.js';
import type { RawFrame } from '../../server/types.js';

const THIS_FILE = fileURLToPath(import.meta.url);

/** A dependency that calls back `depth` frames down, as an ORM's internals do. */
function deepLibrary(): { nest: (depth: number, atBottom: () => unknown) => unknown; file: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'edt-frames-')), 'node_modules', 'deep-orm');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.cjs');
  writeFileSync(file, 'exports.nest = function nest(depth, atBottom) { return depth === 0 ? atBottom() : nest(depth - 1, atBottom); };\n');
  return { ...(createRequire(import.meta.url)(file) as { nest: (depth: number, atBottom: () => unknown) => unknown }), file };
}

describe('frames of deep ORM stacks', () => {
  const library = deepLibrary();

  // Before: 30 frames captured, the first 12 kept: past 12 library frames the user's were lost.
  it.each([10, 35, 60])('keep the user frame under %i library frames, and a few library frames', (depth) => {
    const frames = library.nest(depth, captureFrames) as RawFrame[]; // DEEP-CALL
    const user = frames.filter(isUserFrame);
    const dependency = frames.filter((f) => f.file === library.file);
    expect(user[0]?.file).toBe(THIS_FILE);
    expect(frames[0].file).toBe(library.file);
    expect(dependency.length).toBeGreaterThan(0);
    expect(dependency.length).toBeLessThanOrEqual(6);
    expect(frames.length).toBeLessThanOrEqual(12);
  });
});

describe('frames of awaited thenables', () => {
  const live = { queries: [], queryCount: 0 } as unknown as LiveRequest;

  /** A query builder that starts its work from then(), like drizzle's QueryPromise. */
  class Builder {
    then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
      // The builder's query reads the frames its context carries (built on first read).
      Promise.resolve().then(() => resolve(currentContext()?.frames?.() ?? null), reject);
    }
  }
  captureFramesOnAwait(Builder.prototype, '/app/node_modules/drizzle-orm/query-promise.js');

  it('hand the awaiting line to the query, with the builder\'s own frame first', async () => {
    const frames = await requestContext.run({ request: live }, async () => {
      return (await new Builder()) as RawFrame[]; // AWAIT-LINE
    });
    expect(frames[0]).toMatchObject({ file: '/app/node_modules/drizzle-orm/query-promise.js', function: 'then' });
    expect(frames.find(isUserFrame)?.file).toBe(THIS_FILE);
  });

  it('do the same under Promise.all, and nothing outside a request', async () => {
    const all = await requestContext.run({ request: live }, () => Promise.all([new Builder(), new Builder()])) as RawFrame[][];
    expect(all.every((frames) => frames.some((f) => f.file === THIS_FILE))).toBe(true);
    expect(await new Builder()).toBeNull();
  });

  it('patch a prototype once', () => {
    const getter = Object.getOwnPropertyDescriptor(Builder.prototype, 'then')!.get;
    captureFramesOnAwait(Builder.prototype);
    expect(Object.getOwnPropertyDescriptor(Builder.prototype, 'then')!.get).toBe(getter);
  });
});
