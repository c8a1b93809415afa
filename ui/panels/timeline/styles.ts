/** The Timeline panel's CSS: kind colours (one neutral for unknown kinds), the grid and the bars. */
export const TIMELINE_CSS = `
.timeline{--label-w:280px;display:flex;flex-direction:column;height:100%;min-height:200px}
.timeline .kind-request{--kind:#94a3b8}
.timeline .kind-middleware{--kind:#a78bfa}
.timeline .kind-handler{--kind:#6ea8fe}
.timeline .kind-query{--kind:#f0b429}
.timeline .kind-render{--kind:#4ade80}
.timeline .kind-http{--kind:#22d3ee}
.timeline .kind-milestone{--kind:#f472b6}
.timeline .kind-other{--kind:#6b7280}
.tl-toolbar{flex:none;display:flex;align-items:center;gap:8px;padding:6px 12px;background:var(--bg);border-bottom:1px solid var(--border)}
.tl-legend{display:flex;flex-wrap:wrap;gap:12px;margin:0;padding:0;list-style:none;font-size:11.5px}
.tl-legend li{display:inline-flex;align-items:center;gap:5px}
.tl-swatch{display:inline-block;width:10px;height:10px;border-radius:3px;background:var(--kind)}
.tl-details{flex:none;display:flex;align-items:center;gap:10px;min-height:26px;padding:3px 12px;background:var(--surface);border-bottom:1px solid var(--border);font-size:11.5px;font-variant-numeric:tabular-nums;white-space:nowrap;overflow:hidden}
.tl-details-name{overflow:hidden;text-overflow:ellipsis;max-width:40%}
.tl-detail-text{overflow:hidden;text-overflow:ellipsis;color:var(--muted);font-family:var(--mono)}
.tl-axis{flex:none;display:flex;height:20px;overflow:hidden;scrollbar-gutter:stable;background:var(--bg);border-bottom:1px solid var(--border);font-size:10.5px;color:var(--muted);font-variant-numeric:tabular-nums}
.tl-label-col{flex:none;display:flex;align-items:center;gap:4px;width:var(--label-w);min-width:0;padding-right:8px}
.tl-track{position:relative;flex:1;min-width:0;margin-right:56px}
.tl-axis>.tl-label-col{padding-left:12px}
.tl-tick{position:absolute;top:3px;transform:translateX(-50%);white-space:nowrap}
.tl-tick:first-child{transform:none}
.tl-scroll{position:relative;flex:1;min-height:0;overflow:auto;scrollbar-gutter:stable}
.tl-content{position:relative;min-height:100%}
.tl-lines{position:absolute;top:0;bottom:0;left:var(--label-w);right:56px;pointer-events:none}
.tl-lines>span{position:absolute;top:0;bottom:0;border-left:1px solid rgba(255,255,255,.05)}
.tl-rows{margin:0;padding:0;list-style:none}
.tl-row{display:flex;align-items:center;height:22px;contain:layout style}
.tl-row:hover{background:rgba(255,255,255,.03)}
.tl-toggle{all:unset;flex:none;display:inline-grid;place-items:center;width:14px;height:14px;border-radius:3px;color:var(--muted);cursor:pointer}
.tl-toggle:hover{color:var(--text);background:var(--surface-2)}
.tl-toggle:focus-visible{outline:2px solid var(--accent)}
.tl-toggle svg{transition:transform .12s}
.tl-toggle[aria-expanded="true"] svg{transform:rotate(90deg)}
.tl-toggle-space{flex:none;width:14px}
.tl-dot{flex:none;width:7px;height:7px;border-radius:50%;background:var(--kind)}
.tl-name{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:12px}
.tl-row.kind-query .tl-name{font-family:var(--mono);font-size:11.5px}
.tl-row .tl-track{height:100%}
.tl-bar{all:unset;position:absolute;top:5px;height:12px;min-width:2px;border-radius:2px;background:var(--kind);opacity:.85;cursor:pointer}
.tl-bar:hover{opacity:1}
.tl-bar:focus-visible{outline:2px solid var(--text);outline-offset:1px;opacity:1}
.tl-bar.milestone{width:9px;height:9px;top:6px;margin-left:-4.5px;border-radius:1px;transform:rotate(45deg)}
.tl-dur{position:absolute;top:3px;font-size:10.5px;color:var(--muted);white-space:nowrap;pointer-events:none;font-variant-numeric:tabular-nums}
.tl-dur.inside{color:#111;font-weight:600}
`;
