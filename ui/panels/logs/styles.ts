/** The Logs tab's CSS, added to the shadow root with the app's. */
export const LOGS_CSS = `
.logs-panel .toolbar { display: flex; gap: 12px; align-items: center; justify-content: space-between; padding: 6px 8px; }
.logs-panel .warn { color: var(--edt-warn, #b45309); }
table.logs { width: 100%; border-collapse: collapse; font-size: 12px; }
table.logs th, table.logs td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid var(--edt-border, #e5e7eb); }
table.logs td.num, table.logs th.num { text-align: right; white-space: nowrap; }
table.logs tr.log-warn td { background: rgba(245, 158, 11, 0.08); }
table.logs tr.log-error td, table.logs tr.log-fatal td { background: rgba(220, 38, 38, 0.08); }
table.logs tr.log-query td { color: var(--edt-muted, #6b7280); }
.log-message { white-space: pre-wrap; word-break: break-word; }
.log-late { display: block; font-size: 11px; color: var(--edt-muted, #6b7280); }
.log-fields { margin: 4px 0 0; font-size: 11px; white-space: pre-wrap; max-height: 160px; overflow: auto; }
`;
