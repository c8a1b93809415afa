/** The SQL panel's CSS, added to the shadow root through the panel registry. */
export const SQL_CSS = `
.sql-panel{display:flex;flex-direction:column;min-height:100%}
.toolbar{position:sticky;top:0;z-index:1;display:flex;align-items:center;gap:10px;padding:6px 12px;background:var(--bg);border-bottom:1px solid var(--border)}
.summary{font-variant-numeric:tabular-nums}
.dropped,.over-budget{color:var(--warn)}
.filter{all:unset;box-sizing:border-box;width:240px;height:26px;padding:0 8px;border:1px solid var(--border);border-radius:6px;background:var(--surface);color:var(--text);font:inherit}
.filter::placeholder{color:var(--muted)}
.filter:focus-visible{border-color:var(--accent);box-shadow:0 0 0 2px rgba(110,168,254,.25)}
.findings{display:flex;flex-direction:column;gap:6px;padding:8px 12px;border-bottom:1px solid var(--border);max-height:calc(var(--panel-height,360px) / 3);overflow:auto;overscroll-behavior:contain;flex:none}
.finding-loop{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:var(--muted)}
.fix-shape{margin:0 0 4px}
.fix-shape code{font:11.5px var(--mono)}
.findings ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.finding{min-width:0;border-radius:6px;border-left:3px solid var(--warn);background:var(--warn-bg)}
.finding.danger{border-left-color:var(--danger);background:var(--danger-bg)}
.finding.info{border-left-color:var(--accent);background:rgba(110,168,254,.08)}
.finding-toggle{all:unset;box-sizing:border-box;display:flex;align-items:baseline;gap:10px;width:100%;min-width:0;padding:4px 8px;cursor:pointer;border-radius:6px}
.finding-toggle:hover{background:rgba(255,255,255,.03)}
.finding-toggle:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
.finding-toggle .chevron{flex:none;align-self:center;color:var(--muted);transition:transform .12s}
.finding-toggle[aria-expanded="true"] .chevron{transform:rotate(90deg)}
.finding-title{flex:none;font-weight:650}
.finding.warn .finding-title{color:var(--warn)}
.finding.danger .finding-title{color:var(--danger)}
.finding.info .finding-title{color:var(--accent)}
.finding-sql{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font:12px/1.4 var(--mono);color:var(--text)}
.finding-meta{flex:none;font-variant-numeric:tabular-nums}
.finding-body{display:flex;flex-direction:column;gap:8px;padding:4px 12px 10px 26px}
.finding-section{display:flex;flex-direction:column;gap:4px;min-width:0}
.finding-heading{margin:0;color:var(--muted);font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.finding-note{margin:0;color:var(--muted)}
.finding-note .query-chip{color:var(--text)}
.finding-queries{display:flex;flex-wrap:wrap;align-items:center;gap:4px}
.query-chip{all:unset;padding:1px 7px;border:1px solid var(--border);border-radius:999px;background:var(--surface);font:11.5px/18px var(--mono);cursor:pointer;font-variant-numeric:tabular-nums}
.query-chip:hover{border-color:var(--accent)}
.query-chip:focus-visible,.callsite:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
.small-button[aria-pressed="true"],.small-button.active{border-color:var(--accent);color:var(--text);background:rgba(110,168,254,.14)}
.frames{margin:0;padding-left:18px;display:flex;flex-direction:column;gap:1px;font-size:11.5px}
a.callsite{text-decoration:none}
a.callsite:hover{text-decoration:underline}
.callsite.plain{color:var(--text)}
.fix-title{margin:0;font-weight:600}
.fix-reason{margin:0;color:var(--ok);font-variant-numeric:tabular-nums}
.advice{margin:0;max-width:100ch}
.advice code{font:11.5px var(--mono);color:var(--accent)}
.orm-tag{margin-left:4px;padding:0 5px;border-radius:4px;background:var(--surface-2);color:var(--muted);font:500 10.5px/16px var(--mono)}
.code-block{display:flex;align-items:flex-start;gap:8px;min-width:0}
.code{flex:1;min-width:0;margin:0;padding:8px 10px;border:1px solid var(--border);border-radius:6px;background:#111214;white-space:pre-wrap;word-break:break-word;font:12px/1.5 var(--mono);color:#d4d7dd;max-height:320px;overflow:auto}
.budget-banner{padding:6px 10px;border-radius:6px;border:1px solid rgba(240,180,41,.45);background:var(--warn-bg);color:var(--warn);font-variant-numeric:tabular-nums}
.focus-chip{display:inline-flex;align-items:center;gap:6px;padding:1px 2px 1px 8px;border-radius:999px;background:rgba(110,168,254,.14);color:var(--accent);white-space:nowrap}
.queries tr.is-highlighted td,.queries tbody tr.is-highlighted:hover td{background:rgba(110,168,254,.2);box-shadow:inset 0 1px 0 var(--accent),inset 0 -1px 0 var(--accent)}
.queries tr.is-highlighted td:first-child,.queries tbody tr.is-highlighted:hover td:first-child{box-shadow:inset 3px 0 0 var(--accent),inset 0 1px 0 var(--accent),inset 0 -1px 0 var(--accent)}
.queries tr:focus{outline:none}
.queries tr:focus-visible td{outline:1px solid var(--accent);outline-offset:-1px}
.row-actions{display:flex;gap:4px;justify-content:flex-end}
.explain-row>td{padding:0 10px 10px 28px;background:var(--bg)}
.explain{display:flex;flex-direction:column;gap:8px;padding:10px 12px;border:1px solid var(--border);border-radius:8px;background:var(--surface);outline:none}
.explain:focus-visible{border-color:var(--accent)}
.explain-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
.explain .state{margin:4px 0}
.switch{display:inline-flex;align-items:center;gap:5px;font:600 11.5px var(--mono);cursor:pointer}
.switch input{margin:0;accent-color:var(--accent);cursor:inherit}
.switch.disabled{opacity:.5;cursor:not-allowed}
.explain-note{font-size:11.5px}
.plan{display:flex;flex-direction:column;gap:8px;min-width:0}
.plan-meta{margin:0;font-size:11.5px}
.plan-tree{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
.plan-tree th{padding:3px 8px;color:var(--muted);font-size:11px;font-weight:600;text-align:left;border-bottom:1px solid var(--border);white-space:nowrap}
.plan-tree td{padding:3px 8px;border-bottom:1px solid rgba(255,255,255,.04);vertical-align:top}
.plan-tree .num{width:1%;text-align:right;white-space:nowrap}
.plan-tree tr.is-hot td{background:var(--danger-bg)}
.plan-op{font-size:12px}
.plan-arrow{color:var(--muted)}
.plan-rel{color:#ffcb6b;font-family:var(--mono)}
.plan-index{color:#c3e88d;font-family:var(--mono)}
.plan-filter{color:var(--muted);font:11.5px/1.4 var(--mono);word-break:break-word}
.hot-flag{margin-left:6px}
.misestimate{color:var(--warn)}
.bar-col{width:120px}
.plan-bar{display:block;width:110px;height:6px;margin-top:5px;border-radius:3px;background:var(--surface-2);overflow:hidden}
.plan-bar>span{display:block;height:100%;background:var(--accent)}
.is-hot .plan-bar>span{background:var(--danger)}
.plan-suggestions{display:flex;flex-direction:column;gap:8px}
.plan-suggestion{display:flex;flex-direction:column;gap:3px}
.raw-plan summary{cursor:pointer;color:var(--muted);font-size:11.5px}
.raw-plan summary:focus-visible{outline:2px solid var(--accent)}
.raw-plan .code-block{margin-top:6px}
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
.js .tok-keyword{color:#c792ea;font-weight:500}
`;
