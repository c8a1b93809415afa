/**
 * The lazily loaded app's entry (`dist/ui/app.js`): the launcher calls `mount` on first open.
 */
import { createRoot } from 'react-dom/client';
import type { MountFn } from './mount-options.js';
import { App } from './App.js';
import { PANELS } from './panels.js';
import { APP_CSS } from './styles.js';

/**
 * Renders the panel into `target` with its styles in a `<style>` beside it.
 *
 * @example
 * const unmount = mount(shadowRoot, { requestId: 'abc-12', mountPath: '/__toolbar', onClose });
 */
export const mount: MountFn = (target, options) => {
  const doc = target.ownerDocument ?? document;
  const style = doc.createElement('style');
  if (options.nonce) style.nonce = options.nonce;
  style.textContent = [APP_CSS, ...PANELS.map((p) => p.css ?? '')].join('\n');
  const container = doc.createElement('div');
  container.className = 'edt-app';
  target.append(style, container);

  const root = createRoot(container);
  root.render(<App requestId={options.requestId} mountPath={options.mountPath} panels={PANELS} onClose={options.onClose} />);
  return () => {
    root.unmount();
    style.remove();
    container.remove();
  };
};

export { mountStandalone } from './standalone-page.js';
