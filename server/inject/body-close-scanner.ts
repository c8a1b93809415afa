/**
 * Finding `</body` (any case) in a body that arrives in chunks, without joining the chunks: only
 * the few bytes that may start a split `</body` are carried from one chunk to the next. Pure.
 */

// `</body` in lowercase; `| 0x20` lowercases an ASCII letter and leaves `<` and `/` as they are.
const NEEDLE = [0x3c, 0x2f, 0x62, 0x6f, 0x64, 0x79];
/** Longest prefix of `</body` that can wait at the end of a chunk for the next one. */
export const MAX_PARTIAL = NEEDLE.length - 1;

function matchesAt(data: Buffer, at: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const byte = data[at + i] ?? -1;
    if ((i < 2 ? byte : byte | 0x20) !== NEEDLE[i]) return false;
  }
  return true;
}

/** Offset of the first `</body` (any case) in `data`, or -1. */
export function indexOfBodyClose(data: Buffer): number {
  for (let at = data.indexOf('</'); at >= 0; at = data.indexOf('</', at + 1)) {
    if (at + NEEDLE.length <= data.length && matchesAt(data, at, NEEDLE.length)) return at;
  }
  return -1;
}

/**
 * Offset of the first `</body` in `tail` followed by `chunk`, counted from the start of `tail`,
 * or -1. `tail` is what an earlier call left by {@link partialBodyCloseLength} (at most 5 bytes),
 * so only a handful of bytes are ever copied.
 *
 * @example
 * findBodyClose(Buffer.from('</bo'), Buffer.from('dy></html>')) // → 0
 */
export function findBodyClose(tail: Buffer, chunk: Buffer): number {
  if (tail.length > 0) {
    const junction = Buffer.concat([tail, chunk.subarray(0, MAX_PARTIAL)]);
    const at = indexOfBodyClose(junction);
    if (at >= 0 && at < tail.length) return at;
  }
  const at = indexOfBodyClose(chunk);
  return at < 0 ? -1 : tail.length + at;
}

/**
 * How many bytes at the end of `data` are a proper prefix of `</body` (0–5): those may be the
 * start of a tag that the next chunk completes, so they are held back. Call it on data that has
 * no whole `</body`.
 *
 * @example
 * partialBodyCloseLength(Buffer.from('<p>x</p></B')) // → 3
 */
export function partialBodyCloseLength(data: Buffer): number {
  for (let length = Math.min(MAX_PARTIAL, data.length); length > 0; length--) {
    if (matchesAt(data, data.length - length, length)) return length;
  }
  return 0;
}

/** Whether a body starts with a UTF-16 byte order mark (FF FE or FE FF). */
export function startsWithUtf16Bom(data: Buffer): boolean {
  const [a, b] = data;
  return (a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff);
}
