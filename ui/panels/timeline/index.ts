/** The Timeline panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { TIMELINE_CSS } from './styles.js';
import { TimelinePanel } from './TimelinePanel.js';

export const timelinePanel: PanelDefinition = {
  id: 'timeline',
  title: 'Timeline',
  badge: (detail) => (detail.panels.timeline?.spans.length ? { text: String(detail.panels.timeline.spans.length) } : null),
  View: TimelinePanel,
  css: TIMELINE_CSS,
};
