/**
 * The requests a page fires after it loaded (fetch, XMLHttpRequest: htmx, Turbo, the app's own
 * code), seen by the toolbar id their responses carry. django-debug-toolbar and Symfony's
 * profiler watch them the same way. The page gets its own promise and its own XHR back untouched;
 * reading the headers happens on a side branch whose errors are swallowed.
 */

const ID = 'x-debug-toolbar-id';

/**
 * Calls `onResponse` for each fetch/XHR response with an `X-Debug-Toolbar-Id`; returns a function
 * that stops (and unpatches, unless something wrapped the functions since).
 *
 * @example
 * const stop = watchRequests((id) => console.log('the page fired request', id));
 */
export function watchRequests(onResponse: (id: string) => void): () => void {
  let on = true;
  const read = (header: (name: string) => string | null): void => {
    try {
      const id = on && header(ID);
      if (id) onResponse(id);
    } catch {
      // A response the page can read and we cannot is the page's business, not an error.
    }
  };

  const fetchBefore = window.fetch;
  const fetchWatched: typeof fetch = function (this: unknown, ...args) {
    const result = fetchBefore.apply(this, args);
    Promise.resolve(result).then((response) => read((name) => response.headers.get(name)), () => {});
    return result;
  };
  if (typeof fetchBefore === 'function') window.fetch = fetchWatched;

  const xhr = typeof XMLHttpRequest === 'function' ? XMLHttpRequest.prototype : null;
  const sendBefore = xhr?.send;
  function onXhrLoad(this: XMLHttpRequest): void {
    read((name) => this.getResponseHeader(name));
  }
  const sendWatched = function (this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['send']>) {
    this.addEventListener('load', onXhrLoad);
    return sendBefore!.apply(this, args);
  };
  if (xhr && sendBefore) xhr.send = sendWatched;

  return () => {
    on = false;
    if (window.fetch === fetchWatched) window.fetch = fetchBefore;
    if (xhr && xhr.send === sendWatched) xhr.send = sendBefore!;
  };
}
