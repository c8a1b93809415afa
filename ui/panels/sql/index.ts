/** The SQL panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { SqlPanel } from './SqlPanel.js';
import { SQL_CSS } from './styles.js';
import { EXPLAIN_CSS } from './explain/styles.js';
import { sqlView } from './sql-view.js';

export const sqlPanel: PanelDefinition = {
  id: 'sql',
  title: 'SQL',
  badge: (detail) => {
    const sql = sqlView(detail);
    return { text: String(sql.queryCount), tone: sql.duplicates.length > 0 || sql.nPlusOne.length > 0 || sql.overBudget === true ? 'warn' : undefined };
  },
  View: SqlPanel,
  css: SQL_CSS + EXPLAIN_CSS,
};
