/**
 * htmx (`hx-boost`, history restore), Turbo Drive and similar libraries replace `<body>` or all
 * of its children; the launcher lived there and went with it. This puts it back after each swap
 * and tells the launcher, which then looks for the tag of the request the new content came from.
 */

/**
 * Watches `<html>` and `<body>` (children only, not the subtree: cheap on busy pages). On any
 * change, puts `host` back at the end of the current body if it was taken out, then calls
 * `onChange`. Returns a function that stops.
 *
 * @example
 * const stop = keepInDocument(host, () => followTheNewestTag());
 */
export function keepInDocument(host: HTMLElement, onChange: () => void): () => void {
  const doc = host.ownerDocument;
  let body: HTMLElement | null = null;
  const observer = new MutationObserver(check);
  function watch(): void {
    observer.disconnect();
    body = doc.body;
    observer.observe(doc.documentElement, { childList: true });
    if (body) observer.observe(body, { childList: true });
  }
  function check(): void {
    if (doc.body !== body) watch();
    if (host.parentNode !== doc.body && doc.body) {
      doc.body.append(host);
      observer.takeRecords(); // our own append
    }
    onChange();
  }
  watch();
  return () => observer.disconnect();
}
