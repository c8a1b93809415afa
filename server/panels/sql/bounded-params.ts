/** Longest string kept of one parameter; a big upload must not bloat the ring buffer. */
export const MAX_PARAM_STRING = 500;
const MAX_PARAMS = 100;
const MAX_DEPTH = 3;

function boundString(value: string): string {
  return value.length > MAX_PARAM_STRING
    ? `${value.slice(0, MAX_PARAM_STRING)}… [${value.length - MAX_PARAM_STRING} more characters]`
    : value;
}

function boundValue(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return boundString(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'function':
    case 'symbol':
      return `[${typeof value}]`;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return boundList(value, depth + 1);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : boundString(json);
  } catch {
    return '[unserialisable]';
  }
}

function boundList(values: readonly unknown[], depth: number): unknown[] {
  const kept = values.slice(0, MAX_PARAMS).map((value) => boundValue(value, depth));
  if (values.length > MAX_PARAMS) kept.push(`… ${values.length - MAX_PARAMS} more`);
  return kept;
}

/**
 * Parameters as stored: JSON-safe, strings cut at {@link MAX_PARAM_STRING} characters, buffers
 * replaced by their size, objects as JSON text (how drivers send them).
 *
 * @example
 * boundParams([1, 'x'.repeat(10_000), Buffer.alloc(5)]) // [1, 'xxx…… [9500 more characters]', '[5 bytes]']
 */
export function boundParams(params: unknown): unknown[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) return [boundValue(params, 1)];
  return boundList(params, 0);
}
