/**
 * The toolbar's own response headers, kept naming the request being served.
 *
 * Response caches such as apicache store a response's headers with its body and replay both on a
 * hit: `res.writeHead(200, storedHeaders)`. The stored headers include the `X-Debug-Toolbar-Id`
 * and `-Link` of the request that filled the cache, so without this every hit would point at that
 * first request while the injected launcher points at the current one. When the headers go out,
 * they are set back to the current request; a replayed id that names another request is the sign
 * that the answer came from such a cache, and the record keeps it.
 */
import type { ServerResponse } from 'node:http';
import { whenHeadersWritten } from '../instrument/headers-written.js';

export const ID_HEADER = 'X-Debug-Toolbar-Id';
export const LINK_HEADER = 'X-Debug-Toolbar-Link';

/** The ids the toolbar makes (`<boot>-<sequence>`); anything else was not written by a toolbar. */
const TOOLBAR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The other request a response's `X-Debug-Toolbar-Id` names when headers are about to go out, or
 * undefined when it names this one (or nothing a toolbar would write).
 *
 * @example
 * replayedRequestId('1f2e3d4c-1', '1f2e3d4c-9') // → '1f2e3d4c-1' (a cache replayed request 1's headers)
 * replayedRequestId('1f2e3d4c-9', '1f2e3d4c-9') // → undefined
 */
export function replayedRequestId(header: unknown, ownId: string): string | undefined {
  const value = Array.isArray(header) ? header[header.length - 1] : header;
  if (typeof value !== 'string') return undefined;
  const id = value.trim();
  return id !== ownId && TOOLBAR_ID.test(id) ? id : undefined;
}

/**
 * Sets the toolbar's headers for request `id` now, and again when the headers are written, after
 * anything the app (or a cache replaying stored headers) put in their place. `onReplay` is told
 * the id of the request whose headers were replayed.
 *
 * @example
 * nameRequestInHeaders(res, live.id, `/__toolbar/#/requests/${live.id}`, (from) => { live.replayedFrom = from; });
 */
export function nameRequestInHeaders(res: ServerResponse, id: string, link: string, onReplay: (from: string) => void, onError: (error: unknown) => void): void {
  res.setHeader(ID_HEADER, id);
  // For API clients (curl, Postman): the standalone page opens this request from the hash.
  res.setHeader(LINK_HEADER, link);
  // on-headers applies the object given to writeHead(status, headers) before it calls this.
  whenHeadersWritten(res, function nameCurrentRequest() {
    try {
      const from = replayedRequestId(res.getHeader(ID_HEADER), id);
      if (from !== undefined) onReplay(from);
      res.setHeader(ID_HEADER, id);
      res.setHeader(LINK_HEADER, link);
    } catch (error) {
      onError(error);
    }
  });
}
