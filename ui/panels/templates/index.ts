/** The Templates panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { TEMPLATES_CSS } from './styles.js';
import { TemplatesPanel } from './TemplatesPanel.js';

export const templatesPanel: PanelDefinition = {
  id: 'templates',
  title: 'Templates',
  badge: (detail) => (detail.templates?.length ? { text: String(detail.templates.length) } : null),
  View: TemplatesPanel,
  css: TEMPLATES_CSS,
};
