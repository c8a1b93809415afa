/** The History panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { HistoryPanel } from './HistoryPanel.js';
import { HISTORY_CSS } from './styles.js';

export const historyPanel: PanelDefinition = {
  id: 'history',
  title: 'History',
  badge: () => null,
  View: HistoryPanel,
  css: HISTORY_CSS,
};
