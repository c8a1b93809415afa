/** Adding CSS to a shadow root in a way the page's Content-Security-Policy does not block. */

/**
 * Styles for a shadow root: a constructed sheet where the browser has them, which CSP does not
 * block (a `<style>` needs 'unsafe-inline' or the nonce in style-src); a `<style>` otherwise.
 */
export function adoptStyles(root: ShadowRoot, css: string, nonce?: string): () => void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return () => {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }
  const style = document.createElement('style');
  style.textContent = css;
  if (nonce) style.nonce = nonce;
  root.prepend(style);
  return () => style.remove();
}

