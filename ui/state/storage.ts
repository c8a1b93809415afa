/**
 * Persisted UI state in localStorage, under keys prefixed `express-debug-toolbar:`.
 *
 * Storage can throw (Safari private mode, sandboxed iframes, quota, disabled cookies), and the
 * toolbar must never break the host page over it: every access falls back to the default.
 */

export const STORAGE_PREFIX = 'express-debug-toolbar:';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Reads a JSON value stored under `express-debug-toolbar:<key>`; `fallback` when missing,
 * unreadable, or rejected by `accept`.
 *
 * @example
 * const height = readState('height', 320, (v): v is number => typeof v === 'number');
 */
export function readState<T>(key: string, fallback: T, accept: (value: unknown) => value is T): T {
  try {
    const raw = storage()?.getItem(STORAGE_PREFIX + key);
    if (raw == null) return fallback;
    const value: unknown = JSON.parse(raw);
    return accept(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Stores `value` as JSON under `express-debug-toolbar:<key>`; silently does nothing when storage
 * is unavailable.
 *
 * @example
 * writeState('open', true);
 */
export function writeState(key: string, value: unknown): void {
  try {
    storage()?.setItem(STORAGE_PREFIX + key, JSON.stringify(value));
  } catch {
    // Persisting is a convenience; losing it is fine.
  }
}

export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
