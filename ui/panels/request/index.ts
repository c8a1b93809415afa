/** The Request panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { REQUEST_CSS } from './styles.js';
import { RequestPanel } from './RequestPanel.js';

export const requestPanel: PanelDefinition = {
  id: 'request',
  title: 'Request',
  badge: () => null,
  View: RequestPanel,
  css: REQUEST_CSS,
};
