/** The toolbar's own calls for plans: the header marks them as the toolbar's (the server refuses them without it). */
import type { ApiError } from '../../../../server/types.js';

/** Headers for the endpoints that run statements on the app's database: a cross-site page cannot send them. */
export const TOOLBAR_HEADERS = { 'X-Debug-Toolbar': '1', Accept: 'application/json' } as const;

/** The server's `{ error }`, or a sentence with the status. */
export async function readError(response: Response, what: string): Promise<string> {
  try {
    const body = (await response.json()) as Partial<ApiError>;
    if (typeof body.error === 'string' && body.error) return body.error;
  } catch {
    // Not JSON.
  }
  return `${what} failed: HTTP ${response.status}`;
}

/**
 * Fetches JSON from one of the toolbar's endpoints, throwing the server's error message.
 *
 * @example
 * await fetchJson<WhatIfResponse>(`${mountPath}/api/sql/what-if`, { method: 'POST', body }, 'The what-if')
 */
export async function fetchJson<T>(url: string, init: RequestInit, what: string): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(await readError(response, what));
  return (await response.json()) as T;
}
