/** The SQL panel's CSS, added to the shadow root through the panel registry. */
export const SQL_CSS = `
.sql-panel{display:flex;flex-direction:column;min-height:100%}
.toolbar{position:sticky;top:0;z-index:1;display:flex;align-items:center;gap:10px;padding:6px 12px;background:var(--bg);border-bottom:1px solid var(--border)}
.summary{font-variant-numeric:tabular-nums}
.dropped,.over-budget{color:var(--warn)}
.filter{all:unset;box-sizing:border-box;width:240px;height:26px;padding:0 8px;border:1px solid var(--border);border-radius:6px;background:var(--surface);color:var(--text);font:inherit}
.filter::placeholder{color:var(--muted)}
.filter:focus-visible{border-color:var(--accent);box-shadow:0 0 0 2px rgba(110,168,254,.25)}
.findings ul{list-style:none;margin:0;padding:8px 12px;display:flex;flex-direction:column;gap:4px;border-bottom:1px solid var(--border)}
.finding{display:flex;align-items:baseline;gap:10px;min-width:0;padding:4px 8px;border-radius:6px;border-left:3px solid var(--warn);background:var(--warn-bg)}
.finding.danger{border-left-color:var(--danger);background:var(--danger-bg)}
.finding-title{flex:none;font-weight:650}
.finding.warn .finding-title{color:var(--warn)}
.finding.danger .finding-title{color:var(--danger)}
.finding-sql{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font:12px/1.4 var(--mono);color:var(--text)}
.finding-meta{flex:none;font-variant-numeric:tabular-nums}
.queries{width:100%;border-collapse:collapse;table-layout:auto}
.queries th{position:sticky;top:39px;z-index:1;padding:5px 10px;background:var(--surface);border-bottom:1px solid var(--border);color:var(--muted);font-weight:600;font-size:11.5px;text-align:left;white-space:nowrap;text-transform:uppercase;letter-spacing:.03em}
.queries td{padding:6px 10px;border-bottom:1px solid var(--border);vertical-align:top}
.queries tbody tr:hover td{background:rgba(255,255,255,.025)}
.queries tr.is-duplicate td:first-child{box-shadow:inset 3px 0 0 var(--warn)}
.queries tr.is-nplusone td:first-child,.queries tr.is-error td:first-child{box-shadow:inset 3px 0 0 var(--danger)}
.col-id{width:1%;color:var(--muted);font-variant-numeric:tabular-nums;text-align:right}
.queries th.col-id{text-align:right}
.col-sql{width:auto;min-width:320px}
.col-duration,.col-rows{width:1%;white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
.queries th.col-duration,.queries th.col-rows{text-align:right}
.col-callSite{width:1%;white-space:nowrap}
.col-actions{width:1%;white-space:nowrap}
.sort-button{all:unset;display:inline-flex;align-items:center;gap:4px;cursor:pointer;color:inherit;text-transform:inherit}
.sort-button:hover{color:var(--text)}
.sort-button:focus-visible{outline:2px solid var(--accent);outline-offset:2px;border-radius:3px}
.sort-icon{font-size:9px;opacity:.5}
.sort-icon.active{opacity:1;color:var(--accent)}
.sql-cell{display:flex;flex-direction:column;gap:3px;min-width:0}
.sql-main{display:flex;align-items:flex-start;gap:4px;min-width:0}
.expand-button{all:unset;flex:none;display:inline-grid;place-items:center;width:16px;height:18px;border-radius:3px;color:var(--muted);cursor:pointer}
.expand-button:hover{color:var(--text);background:var(--surface-2)}
.expand-button:focus-visible{outline:2px solid var(--accent)}
.expand-button svg{transition:transform .12s}
.expand-button[aria-expanded="true"] svg{transform:rotate(90deg)}
.sql-text.compact{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.sql-meta{display:flex;align-items:center;gap:6px;min-width:0;padding-left:20px}
.duration{display:inline-flex;flex-direction:column;align-items:flex-end;gap:3px}
.duration-bar{display:block;width:64px;height:3px;border-radius:2px;background:var(--surface-2);overflow:hidden}
.duration-bar>span{display:block;height:100%;margin-left:auto;background:var(--accent);opacity:.75}
.flag{padding:0 6px;border-radius:4px;font-size:11px;font-weight:650;line-height:18px}
.flag.warn{background:var(--warn-bg);color:var(--warn)}
.flag.danger{background:var(--danger-bg);color:var(--danger)}
.sql-text{flex:1;min-width:0;margin:0;white-space:pre-wrap;word-break:break-word;font:12px/1.5 var(--mono);color:#d4d7dd}
.params{min-width:0;font:11.5px/1.4 var(--mono);color:var(--text);overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:80ch}
.query-error{padding-left:20px;color:var(--danger);font:11.5px/1.4 var(--mono)}
.callsite{font:11.5px/1.4 var(--mono);color:var(--accent)}
.copy-buttons{display:flex;gap:4px}
.small-button{all:unset;padding:2px 7px;border:1px solid var(--border);border-radius:5px;background:var(--surface);color:var(--muted);font-size:11px;line-height:16px;cursor:pointer;white-space:nowrap}
.small-button:hover{color:var(--text);border-color:var(--muted)}
.small-button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
.empty{padding:24px;text-align:center;color:var(--muted)}
.tok-keyword{color:#c792ea;font-weight:600}
.tok-string{color:#c3e88d}
.tok-number{color:#f78c6c}
.tok-comment{color:#737b87;font-style:italic}
.tok-param{color:#89ddff;font-weight:600}
.tok-quoted-identifier{color:#ffcb6b}
.tok-identifier{color:#e4e6ea}
.tok-operator{color:#89ddff}
`;
