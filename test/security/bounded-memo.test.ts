import { describe, expect, it } from 'vitest';
import { memoizeBounded } from '../../server/security/bounded-memo.js';

describe('memoizeBounded (the gate\'s kept answers)', () => {
  it('computes each value once and gives the same answer back', () => {
    const asked: string[] = [];
    const check = memoizeBounded((value) => {
      asked.push(value);
      return value === 'localhost';
    }, 4);
    expect([check('localhost'), check('evil.example'), check('localhost'), check('evil.example')]).toEqual([true, false, true, false]);
    expect(asked).toEqual(['localhost', 'evil.example']);
  });

  it('keeps at most `limit` answers: a new value each time pushes the oldest out, and it is computed again', () => {
    const asked: string[] = [];
    const check = memoizeBounded((value) => {
      asked.push(value);
      return false;
    }, 2);
    for (const value of ['a', 'b', 'c', 'b', 'a']) check(value);
    // 'a' went when 'c' came; 'b' was still kept.
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
  });
});
