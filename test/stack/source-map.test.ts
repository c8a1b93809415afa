import { afterEach, describe, expect, it, vi } from 'vitest';
import { mapFrame } from '../../server/stack/source-map.js';
import { toRequestError } from '../../server/request/request-error.js';

/*
 * What the read path does with a frame it cannot map, and with an error stack that was printed
 * mapped already. The runners themselves (tsx, ts-node, --enable-source-maps) are exercised by
 * the fixture apps of package-loading.test.ts.
 */

afterEach(() => vi.restoreAllMocks());

describe('a frame with no source map', () => {
  it('in a TypeScript file is marked not source-mapped, and the log says once how to fix it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const frame = { file: '/nowhere/src/users.ts', line: 48, column: 17, function: 'load' };
    expect(mapFrame(frame)).toEqual({ ...frame, unmapped: true });
    expect(mapFrame({ ...frame, file: '/nowhere/src/posts.mts' })).toMatchObject({ unmapped: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(
      /^\[express-debug-toolbar\] no source map for \/nowhere\/src\/users\.ts: .*may not be yours.*--enable-source-maps/,
    );
  });

  it('in a JavaScript file is its own source: unchanged, nothing logged', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const frame = { file: '/nowhere/src/users.js', line: 48, column: 17, function: 'load' };
    expect(mapFrame(frame)).toEqual(frame);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('an error stack printed source-mapped', () => {
  it('is served as printed, not mapped a second time', () => {
    const frames = [{ file: '/nowhere/src/users.ts', line: 77, column: 11, function: 'load' }];
    expect(toRequestError({ message: 'm', frames, sourceMapped: true })).toEqual({ message: 'm', stack: frames });
  });
});
