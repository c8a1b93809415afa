/** The Cache tab's CSS, added to the shadow root with the app's. */
export const CACHE_CSS = `
.cache-panel .toolbar { padding: 6px 8px; }
.cache-panel .warn { color: var(--edt-warn, #b45309); }
.cache-findings { margin: 0 8px 8px; padding: 0; list-style: none; }
.cache-findings li { padding: 6px 8px; border-left: 3px solid var(--edt-warn, #b45309); background: rgba(245, 158, 11, 0.08); margin-bottom: 4px; }
.cache-findings pre { margin: 4px 0 0; font-size: 11px; white-space: pre-wrap; }
table.cache { width: 100%; border-collapse: collapse; font-size: 12px; }
table.cache th, table.cache td { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid var(--edt-border, #e5e7eb); }
table.cache td.num, table.cache th.num { text-align: right; white-space: nowrap; }
table.cache tr.cache-error td { background: rgba(220, 38, 38, 0.08); }
table.cache tr.in-finding td:first-child { box-shadow: inset 3px 0 var(--edt-warn, #b45309); }
.cache-batch { margin: 2px 0 0 12px; padding: 0; list-style: none; color: var(--edt-muted, #6b7280); }
.cache-late { display: block; font-size: 11px; color: var(--edt-muted, #6b7280); }
.cache-miss { color: var(--edt-warn, #b45309); }
`;
