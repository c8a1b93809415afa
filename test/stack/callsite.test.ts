import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureFrames, captureFramesLazily, isUserFrame } from '../../server/stack/callsite.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/callsite/app.ts', import.meta.url));

function lineOf(marker: string): number {
  return readFileSync(FIXTURE, 'utf8').split('\n').findIndex((line) => line.includes(marker)) + 1;
}

describe('call sites', () => {
  it('point at the TypeScript source under tsx, past dependency frames', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', FIXTURE], { encoding: 'utf8' });
    const { a, b } = JSON.parse(output);
    expect(a).toEqual({ file: FIXTURE, line: lineOf('SITE-A'), column: 21, function: 'fromUserCode' });
    expect(b).toMatchObject({ file: FIXTURE, line: lineOf('SITE-B') });
  });

  it('can be captured now and built later, once, with the same frames', () => {
    function captureBoth() {
      return [captureFramesLazily(captureBoth), captureFrames(captureBoth)] as const;
    }
    const [lazy, eager] = captureBoth();
    const frames = lazy();
    expect(frames).toBe(lazy());
    expect(frames.map((f) => [f.file, f.function])).toEqual(eager.map((f) => [f.file, f.function]));
    expect(frames[0]).toMatchObject({ file: fileURLToPath(import.meta.url), line: eager[0].line });
  });

  it('leave out node internals and the toolbar itself', () => {
    const frames = captureFrames();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => !f.file.startsWith('node:') && !f.file.includes('/server/callsite'))).toBe(true);
    expect(frames[0].file).toBe(fileURLToPath(import.meta.url));
  });

  it.each([
    ['/app/src/routes/posts.ts', true],
    ['/app/node_modules/knex/lib/runner.js', false],
    ['node:internal/process/task_queues', false],
    ['evalmachine.<anonymous>', false],
  ])('%s is user code: %s', (file, expected) => {
    expect(isUserFrame({ file, line: 1, column: 1, function: null })).toBe(expected);
  });
});
