import { describe, expect, it } from 'vitest';
import {
  findBodyClose, indexOfBodyClose, partialBodyCloseLength, startsWithUtf16Bom,
} from '../../server/inject/body-close-scanner.js';
import { insertBeforeBodyClose } from '../../server/inject/inject.js';

const b = (text: string) => Buffer.from(text, 'latin1');

describe('indexOfBodyClose', () => {
  it.each([
    ['<body>x</body>', 7],
    ['<body>x</BODY >', 7],
    ['</BoDy', 0],
    ['a</bod', -1],
    ['</ </b </body', 7],
    ['<//body', -1],
    ['', -1],
    ['é</body>', 1],
  ])('%j → %i', (text, expected) => {
    expect(indexOfBodyClose(b(text))).toBe(expected);
  });
});

describe('findBodyClose(tail, chunk)', () => {
  it.each([
    ['', '<p>x</p></body>', 8],
    ['<', '/body>', 0],
    ['</', 'body>', 0],
    ['</bo', 'dy>', 0],
    ['</BOD', 'Y>', 0],
    ['</b', 'x></body>', 5],
    ['<', 'p></body>', 3],
    ['</bod', 'x', -1],
    ['', '', -1],
  ])('%j + %j → %i', (tail, chunk, expected) => {
    expect(findBodyClose(b(tail), b(chunk))).toBe(expected);
  });
});

describe('partialBodyCloseLength', () => {
  it.each([
    ['<p>x</p>', 0],
    ['<p>x<', 1],
    ['x</', 2],
    ['x</B', 3],
    ['x</bo', 4],
    ['x</bOD', 5],
    ['</b</bo', 4],
    ['x/b', 0],
    ['', 0],
  ])('%j → %i', (text, expected) => {
    expect(partialBodyCloseLength(b(text))).toBe(expected);
  });
});

describe('UTF-16 byte order mark', () => {
  const page = Buffer.from('<html><body>x</body></html>', 'latin1');
  it.each([
    [[0xff, 0xfe], true],
    [[0xfe, 0xff], true],
    [[0xef, 0xbb], false],
    [[0xff], false],
    [[], false],
  ])('%j → %s', (bytes, expected) => {
    expect(startsWithUtf16Bom(Buffer.from(bytes))).toBe(expected);
  });

  it('keeps insertBeforeBodyClose from touching a body that starts with one', () => {
    expect(insertBeforeBodyClose(Buffer.concat([Buffer.from([0xff, 0xfe]), page]), '<s>')).toBeNull();
    expect(insertBeforeBodyClose(Buffer.concat([Buffer.from([0xfe, 0xff]), page]), '<s>')).toBeNull();
    expect(insertBeforeBodyClose(page, '<s>')?.toString()).toBe('<html><body>x<s></body></html>');
  });
});
