/** The SQL panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { SqlPanel } from './SqlPanel.js';
import { SQL_CSS } from './styles.js';
import { EXPLAIN_CSS } from './explain/styles.js';

export const sqlPanel: PanelDefinition = {
  id: 'sql',
  title: 'SQL',
  badge: (detail) => ({
    text: String(detail.queryCount),
    tone: detail.duplicates.length > 0 || detail.nPlusOne.length > 0 || detail.overBudget === true ? 'warn' : undefined,
  }),
  View: SqlPanel,
  css: SQL_CSS + EXPLAIN_CSS,
};
