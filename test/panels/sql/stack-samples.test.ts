import { describe, expect, it } from 'vitest';
import { countSamples, sampledFrames, type StackSamples } from '../../../server/panels/sql/stack-samples.js';

// Each call site below is its own line, so captured stacks tell them apart.
function runFromLineA(samples: StackSamples, span: string | undefined, sql: string) {
  return sampledFrames(samples, span, sql, runFromLineA);
}
function runFromLineB(samples: StackSamples, span: string | undefined, sql: string) {
  return sampledFrames(samples, span, sql, runFromLineB);
}

describe('sampledFrames: one stack per new information, not per query', () => {
  // The review of #17: runs past the third shared their line's stack, checked by one frame only.
  it('captures every run along its line\'s learned path: each its own frames, the same line\'s alike', () => {
    const samples: StackSamples = new Map();
    const runs = Array.from({ length: 17 }, () => runFromLineA(samples, 's1', 'SELECT * FROM a WHERE id = ?'));
    expect(new Set(runs).size).toBe(17);
    for (const frames of runs) expect(frames).toEqual(runs[0]);
    // Every capture is a real stack of this test's code.
    expect(runs[16].some((frame) => frame.file.endsWith('stack-samples.test.ts'))).toBe(true);
  });

  it('keeps other statements and other spans apart', () => {
    const samples: StackSamples = new Map();
    for (let i = 0; i < 5; i++) runFromLineA(samples, 's1', 'SELECT 1');
    const otherSql = runFromLineA(samples, 's1', 'SELECT 2');
    const otherSpan = runFromLineA(samples, 's2', 'SELECT 1');
    const noSpan = runFromLineA(samples, undefined, 'SELECT 1');
    expect(countSamples(samples)).toBe(4);
    const shared = samples.get('s1')!.get('SELECT 1')!.latest.frames;
    expect(new Set([otherSql, otherSpan, noSpan, shared]).size).toBe(4);
  });

  it('the same statement from another line is captured on its own, never given the first line\'s stack', () => {
    const samples: StackSamples = new Map();
    const first: ReturnType<typeof runFromLineA>[] = [];
    for (let i = 0; i < 5; i++) first.push(runFromLineA(samples, 's1', 'SELECT 1'));
    const second: ReturnType<typeof runFromLineB>[] = [];
    for (let i = 0; i < 5; i++) second.push(runFromLineB(samples, 's1', 'SELECT 1'));
    // The frame that called each helper: a different line of this test for each group.
    const lines = (group: typeof first) => new Set(group.map((frames) => frames[0].line));
    expect(lines(first).size).toBe(1);
    expect(lines(second).size).toBe(1);
    expect([...lines(second)][0]).not.toBe([...lines(first)][0]);
    expect(countSamples(samples)).toBe(2);
  });

  it('a statement\'s first run in a request, guessed from the line of the request before, still gets its own line', () => {
    const sql = 'SELECT * FROM guessed WHERE id = ?';
    // Each helper calls from one line of its own.
    const fromA = (samples: StackSamples) => runFromLineA(samples, 's1', sql)[0].line;
    const fromB = (samples: StackSamples) => runFromLineB(samples, 's1', sql)[0].line;
    const lineA = fromA(new Map());
    const later: StackSamples = new Map();
    // Guessed from A's line, run from B's: the capture shows B's line, and so do its next runs.
    const lineB = fromB(later);
    expect(lineB).not.toBe(lineA);
    expect(fromB(later)).toBe(lineB);
    expect(fromA(later)).toBe(lineA);
  });
});
