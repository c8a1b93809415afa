/** The Templates panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { TEMPLATES_CSS } from './styles.js';
import { TemplatesPanel } from './TemplatesPanel.js';

export const templatesPanel: PanelDefinition = {
  id: 'templates',
  title: 'Templates',
  badge: (detail) => (detail.panels.templates?.renders.length ? { text: String(detail.panels.templates.renders.length) } : null),
  View: TemplatesPanel,
  css: TEMPLATES_CSS,
};
