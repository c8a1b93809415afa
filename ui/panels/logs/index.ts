/** The Logs panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { isProblem, logsOf } from './rows.js';
import { LOGS_CSS } from './styles.js';
import { LogsPanel } from './LogsPanel.js';

export const logsPanel: PanelDefinition = {
  id: 'logs',
  title: 'Logs',
  badge: (detail) => {
    const logs = logsOf(detail.panels);
    if (!logs || logs.entries.length === 0) return null;
    return logs.entries.some(isProblem) ? { text: String(logs.entries.length), tone: 'warn' } : { text: String(logs.entries.length) };
  },
  View: LogsPanel,
  css: LOGS_CSS,
};
