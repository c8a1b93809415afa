import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { captureFrom, depthToCapture } from '../../server/stack/caller-frames.js';
import { captureFrames, isUserFrame } from '../../server/stack/callsite.js';
// @ts-expect-error: a plain JS fixture package without types
import { findAll } from '../fixtures/callsite/node_modules/fake-orm/index.js';

const THIS_FILE = fileURLToPath(import.meta.url);

// The hook a driver would patch: its caller's line is the query's call site.
function hook(expected: string | null) {
  return captureFrom(hook, expected);
}
function fullHook() {
  return captureFrames(fullHook);
}
// One line calling the hook, reached from two different callers.
function sharedLine(expected: string | null) {
  return hook(expected);
}
function fromCallerA(expected: string | null) {
  return sharedLine(expected);
}
function fromCallerB(expected: string | null) {
  return sharedLine(expected);
}
function nest<T>(depth: number, work: () => T): T {
  return depth === 0 ? work() : nest(depth - 1, work);
}

describe('captureFrom: a calling line learns its path', () => {
  it('a line called again along the same path gets the same user frames, from a capture that stops after them', () => {
    // Both runs from one line of this test, as a loop's would be.
    const [first, again] = [null, 1].reduce<ReturnType<typeof hook>[]>((runs) => [...runs, fromCallerA(runs[0]?.position ?? null)], []);
    expect(first.position).toMatch(new RegExp(`^${THIS_FILE}:\\d+:\\d+$`));
    const learnedDepth = depthToCapture(first.position, hook);
    expect(again.position).toBe(first.position);
    expect(again.frames).toEqual(first.frames);
    expect(again.frames).not.toBe(first.frames);
    // Every user frame of a full capture, in order: the call site and its callers.
    const user = (frames: typeof first.frames) => frames.filter(isUserFrame);
    expect(user(again.frames).map((f) => f.file)).toEqual(Array(user(again.frames).length).fill(THIS_FILE));
    expect(learnedDepth).toBeLessThanOrEqual(12);
  });

  it('keeps the same user frames as a full capture', () => {
    let full: ReturnType<typeof fullHook> = [];
    let learned: ReturnType<typeof hook>['frames'] = [];
    const run = (expected: string | null) => nest(3, () => {
      learned = hook(expected).frames; full = fullHook();
      return learned;
    });
    const position = nest(0, () => { run(null); return hook(null).position; });
    run(position);
    const lines = (frames: typeof full) => frames.filter(isUserFrame).map((f) => [f.file, f.function]);
    // The two hooks sit on one line apart, inside the same function: their callers are the same.
    expect(lines(learned).slice(1)).toEqual(lines(full).slice(1));
  });

  it('a line reached by another path is captured in full, never given the first path\'s frames', () => {
    const a = fromCallerA(null);
    fromCallerA(a.position);
    const b = fromCallerB(a.position);
    expect(b.position).toBe(a.position);
    const functions = (frames: typeof a.frames) => frames.filter(isUserFrame).map((f) => f.function);
    expect(functions(a.frames).slice(0, 2)).toEqual(['sharedLine', 'fromCallerA']);
    expect(functions(b.frames).slice(0, 2)).toEqual(['sharedLine', 'fromCallerB']);
    // …and the path learned again serves the next call from B.
    expect(functions(fromCallerB(a.position).frames)).toEqual(functions(b.frames));
    expect(functions(fromCallerA(a.position).frames)).toEqual(functions(a.frames));
  });

  it('a wrong guess of the line costs a capture, not the right line', () => {
    const a = fromCallerA(null);
    const other = hook(a.position);
    expect(other.position).not.toBe(a.position);
    expect(other.frames[0]).toMatchObject({ file: THIS_FILE });
    expect(`${other.frames[0].file}:${other.frames[0].line}:${other.frames[0].column}`).toBe(other.position);
  });

  it('an ORM\'s queries learn the path from the ORM\'s line down through the user\'s, and leave it for another line', () => {
    function ormHook() {
      return captureFrom(ormHook, null);
    }
    const viaOrmA = () => findAll(ormHook) as ReturnType<typeof hook>;
    const viaOrmB = () => findAll(ormHook) as ReturnType<typeof hook>;
    // All from one line of this test: only the helper's line tells A from B.
    const [first, again, b, backToA] = [viaOrmA, viaOrmA, viaOrmB, viaOrmA].map((via) => via());
    expect(first.position).toBeNull();
    expect(first.frames[0].file).toContain('/node_modules/fake-orm/');
    expect(depthToCapture(null, ormHook)).toBeLessThan(12);
    expect(again.frames).toEqual(first.frames);
    expect(b.frames[1]).toMatchObject({ file: THIS_FILE });
    expect(b.frames[1].line).not.toBe(first.frames[1].line);
    expect(backToA.frames).toEqual(first.frames);
  });
});

// A log line's hook: only its call site is shown, so its path ends at the first user frame.
function callerOnlyHook(expected: string | null) {
  return captureFrom(callerOnlyHook, expected, true);
}

describe('captureFrom for a call site only (log lines, #17)', () => {
  it('learns a one-frame path from a user line, and gives that line again along it', () => {
    const run = (expected: string | null) => nest(4, () => callerOnlyHook(expected));
    const first = run(null);
    expect(first.position).toMatch(new RegExp(`^${THIS_FILE}:\\d+:\\d+$`));
    expect(depthToCapture(first.position, callerOnlyHook, true)).toBe(1);
    const again = run(first.position);
    expect(again).toEqual(first);
    expect(again.frames.filter(isUserFrame)[0]).toMatchObject({ file: THIS_FILE });
  });

  it('from a library, ends its path at the user\'s line, and leaves it for another line', () => {
    function libraryLogged() {
      return captureFrom(libraryLogged, null, true);
    }
    const viaLibraryA = () => findAll(libraryLogged) as ReturnType<typeof callerOnlyHook>;
    const viaLibraryB = () => nest(2, () => findAll(libraryLogged)) as ReturnType<typeof callerOnlyHook>;
    const [first, again, b, backToA] = [viaLibraryA, viaLibraryA, viaLibraryB, viaLibraryA].map((via) => via());
    expect(first.position).toBeNull();
    expect(first.frames[0].file).toContain('/node_modules/fake-orm/');
    // The library's frames, then the user's line, and nothing after it.
    expect(first.frames.map(isUserFrame)).toEqual([false, true]);
    expect(first.frames[1]).toMatchObject({ file: THIS_FILE });
    expect(depthToCapture(null, libraryLogged, true)).toBe(2);
    expect(again.frames).toEqual(first.frames);
    expect(b.frames[1]).toMatchObject({ file: THIS_FILE });
    expect(b.frames[1].line).not.toBe(first.frames[1].line);
    expect(backToA.frames).toEqual(first.frames);
  });
});
