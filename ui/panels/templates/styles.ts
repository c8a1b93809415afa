/** The Templates panel's CSS (the toolbar, flags and buttons come from the SQL panel's). */
export const TEMPLATES_CSS = `
.templates-panel{display:flex;flex-direction:column;min-height:100%}
.templates-panel .toolbar{min-height:39px}
.templates{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
.templates th{position:sticky;top:39px;z-index:1;padding:5px 10px;background:var(--surface);border-bottom:1px solid var(--border);color:var(--muted);font-weight:600;font-size:11.5px;text-align:left;white-space:nowrap;text-transform:uppercase;letter-spacing:.03em}
.templates td{padding:5px 10px;border-bottom:1px solid var(--border);vertical-align:middle}
.templates .num{width:1%;text-align:right;white-space:nowrap}
.templates tr.is-slowest td{background:var(--warn-bg)}
.templates tr.is-slowest td:first-child{box-shadow:inset 3px 0 0 var(--warn)}
.tpl-name{white-space:nowrap}
.tpl-name .expand-button{vertical-align:middle;margin-right:2px}
.tpl-spacer{display:inline-block;width:18px}
.tpl-title{font-weight:600;margin-right:6px}
.tpl-file{font:11.5px var(--mono);color:var(--accent);white-space:nowrap}
.tpl-locals-list{display:flex;flex-wrap:wrap;gap:4px}
.tpl-locals-list code{padding:0 5px;border-radius:4px;background:var(--surface-2);font:11px/18px var(--mono)}
.flag.muted-flag{background:var(--surface-2);color:var(--muted)}
`;
