import { describe, expect, it } from 'vitest';
import { sampledFrames, type StackSamples } from '../../../server/panels/sql/stack-samples.js';
import { isUserFrame } from '../../../server/stack/callsite.js';

const USERS = 'SELECT * FROM users WHERE id = $1';
// The driver hook (pg's query, mysql2's pool.query): what the stack is captured above.
function driverQuery(samples: StackSamples, sql: string) {
  return sampledFrames(samples, 'handler', sql, driverQuery);
}
// The node-postgres guide's helper: every query of the app goes through this one line, which
// loop-site.ts skips for the first frame that ran only its own shape (the loop's line).
function dbQuery(samples: StackSamples, sql: string) {
  return driverQuery(samples, sql);
}
function loopOverPosts(samples: StackSamples, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(dbQuery(samples, USERS));
  return out;
}
function loopOverComments(samples: StackSamples, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(dbQuery(samples, USERS));
  return out;
}

const callers = (frames: { function: string | null; file: string }[]) =>
  frames.filter((f) => isUserFrame(f as never)).map((f) => f.function).slice(0, 2);

describe('review: one statement through one helper line, from two loops in one span', () => {
  it('records each query with the loop that ran it', () => {
    const samples: StackSamples = new Map();
    loopOverPosts(samples, 3);
    const fromComments = loopOverComments(samples, 4);
    // main: runs 4-7 reuse run 3's frames (pg and direct drivers since before #17; mysql2 pools since
    // c072b6e), so the comments loop's queries say loopOverPosts, and loop-site.ts gives them its line.
    expect(fromComments.map(callers)).toEqual(Array(4).fill(['dbQuery', 'loopOverComments']));
  });
});
