/** The History tab's CSS (the table reuses the SQL panel's `
.test-format{display:inline-flex;align-items:center;gap:6px;font-size:12px}
.test-format select{font:inherit;background:var(--surface);color:var(--text);border:1px solid var(--border);border-radius:4px}.queries` and `.toolbar` rules). */
export const HISTORY_CSS = `
.history tbody tr{cursor:pointer}
.history tbody tr:hover{background:var(--surface-2)}
.history tbody tr.is-selected{background:rgba(110,168,254,.14)}
.history tbody tr:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
.history .col-time,.history .col-duration,.history .col-queries,.history .col-id{font-variant-numeric:tabular-nums;white-space:nowrap}
.history .col-url{font-family:var(--mono);font-size:12px;max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.filter-select{background:var(--surface);color:var(--text);border:1px solid var(--border);border-radius:5px;font:inherit;font-size:12px;padding:2px 4px}
.flags{display:inline-flex;gap:4px;flex-wrap:wrap}
.flag{padding:0 5px;border-radius:4px;font-size:11px;white-space:nowrap}
.flag.warn{background:var(--warn-bg);color:var(--warn)}
.flag.err{background:var(--danger-bg);color:var(--danger)}
.flag.info{background:var(--surface-2);color:var(--muted)}
.history-actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:6px 12px;border-bottom:1px solid var(--border)}
.compare{padding:6px 12px;border-bottom:1px solid var(--border)}
.compare ul{margin:4px 0;padding-left:18px;font-family:var(--mono);font-size:12px}
.view-toggle{display:inline-flex;gap:4px}
.hotspots .col-num{font-variant-numeric:tabular-nums;white-space:nowrap}
.hotspots .col-site{font-family:var(--mono);font-size:12px}
.compare-summary{margin:4px 0}
.compare .added{color:var(--warn)}
.compare .removed{color:var(--ok)}
.static-toggle{display:inline-flex;align-items:center;gap:2px;font-size:12px;color:var(--muted);white-space:nowrap;cursor:pointer}
`;
