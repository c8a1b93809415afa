/** The Request panel's CSS. */
export const REQUEST_CSS = `
.request-panel{padding:8px 12px}
.request-panel h3{margin:12px 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.request-line{font:12px var(--mono);word-break:break-all}
.headers{width:100%;border-collapse:collapse}
.headers th,.headers td{padding:3px 8px;border-bottom:1px solid var(--border);text-align:left;vertical-align:top;font:12px var(--mono)}
.headers th{width:1%;white-space:nowrap;color:var(--muted);font-weight:600}
.headers td{word-break:break-all}
.request-panel pre.body{margin:0;max-height:240px;overflow:auto;font:12px var(--mono);white-space:pre-wrap;word-break:break-all}
`;
