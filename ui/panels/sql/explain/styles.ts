/** The CSS of plans, the what-if and missing indexes, added after the SQL panel's. */
export const EXPLAIN_CSS = `
.plan-subplan{color:var(--muted);font:11.5px var(--mono)}
.plan-label{font-weight:600}
.plan-detail{color:var(--muted);font:11.5px/1.4 var(--mono);word-break:break-word}
.plan-detail-name{color:#89ddff}
.plan-tree tr.never td{opacity:.55}
.plan-notes{margin:0;padding-left:18px;display:flex;flex-direction:column;gap:3px;color:var(--muted);font-size:12px}
.what-if{display:flex;flex-direction:column;gap:6px;padding-top:4px}
.what-if-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
.what-if-result{display:flex;flex-direction:column;gap:6px}
.what-if-verdict{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.what-if-verdict.used{color:var(--ok)}
.what-if-verdict.unused{color:var(--warn)}
.what-if-indexes{margin:0;padding-left:18px;font-size:12px}
.what-if-unavailable{margin:0}
.missing-indexes{display:flex;flex-direction:column;gap:6px;padding:8px 12px;border-bottom:1px solid var(--border)}
.missing-head{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.missing-result{display:flex;flex-direction:column;gap:6px}
.missing-list{margin:0;padding-left:20px;display:flex;flex-direction:column;gap:10px}
.missing-item{display:flex;flex-direction:column;gap:4px}
.missing-meta{margin:0;font-variant-numeric:tabular-nums}
.missing-requests,.missing-skipped{margin:0;padding-left:18px;font-size:11.5px}
.missing-requests code,.missing-skipped code{font:11.5px var(--mono)}
`;
