/**
 * The lazily loaded app's entry (`dist/ui/app.js`): the launcher calls `mount` on first open.
 */
import { createRoot } from 'react-dom/client';
import { adoptStyles } from '../launcher/adopt-styles.js';
import type { MountFn } from './mount-options.js';
import { App } from './App.js';
import { PANELS } from './panels.js';
import { APP_CSS } from './styles.js';

/**
 * Renders the panel into `target`, its styles adopted by the shadow root (a `<style>` elsewhere).
 *
 * @example
 * const unmount = mount(shadowRoot, { requestId: 'abc-12', mountPath: '/__toolbar', onClose });
 */
export const mount: MountFn = (target, options) => {
  const doc = target.ownerDocument ?? document;
  const css = [APP_CSS, ...PANELS.map((p) => p.css ?? '')].join('\n');
  const root = target.getRootNode();
  // In the launcher's shadow root: a constructed sheet, which a strict style-src does not block.
  let removeStyles: () => void;
  if (root instanceof ShadowRoot) {
    removeStyles = adoptStyles(root, css, options.nonce);
  } else {
    const style = doc.createElement('style');
    if (options.nonce) style.nonce = options.nonce;
    style.textContent = css;
    target.append(style);
    removeStyles = () => style.remove();
  }
  const container = doc.createElement('div');
  container.className = 'edt-app';
  target.append(container);

  const reactRoot = createRoot(container);
  reactRoot.render(<App requestId={options.requestId} mountPath={options.mountPath} panels={PANELS} onClose={options.onClose} />);
  return () => {
    reactRoot.unmount();
    removeStyles();
    container.remove();
  };
};

export { mountStandalone } from './standalone-page.js';
