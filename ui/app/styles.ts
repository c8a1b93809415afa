/** The shell's CSS, scoped to the shadow root. Panels add their own through `PanelDefinition.css`. */
export const APP_CSS = `
.edt-app{
  --bg:#17181b;--surface:#1e2024;--surface-2:#26282d;--border:#33363c;--text:#e4e6ea;--muted:#9aa1ab;
  --accent:#6ea8fe;--warn:#f0b429;--warn-bg:rgba(240,180,41,.14);--danger:#f87171;--danger-bg:rgba(248,113,113,.12);
  --ok:#4ade80;--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;
  font:12.5px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--text);
  -webkit-font-smoothing:antialiased;
}
.edt-app *,.edt-app *::before,.edt-app *::after{box-sizing:border-box}
.panel{position:relative;display:flex;flex-direction:column;width:100%;background:var(--bg);border-top:1px solid var(--border);box-shadow:0 -6px 24px rgba(0,0,0,.28)}
.resize-handle{position:absolute;top:-4px;left:0;right:0;height:8px;cursor:ns-resize;z-index:2;outline:none}
.resize-handle::after{content:"";position:absolute;left:50%;top:2px;width:36px;height:4px;margin-left:-18px;border-radius:2px;background:var(--border);opacity:0;transition:opacity .15s}
.resize-handle:hover::after,.resize-handle:focus-visible::after{opacity:1}
.resize-handle:focus-visible{box-shadow:inset 0 0 0 2px var(--accent)}
.header{display:flex;align-items:center;gap:12px;min-height:36px;padding:0 8px 0 12px;background:var(--surface);border-bottom:1px solid var(--border);white-space:nowrap}
.title{font-weight:650;letter-spacing:.01em}
.request{display:inline-flex;align-items:center;gap:6px;min-width:0;max-width:38%;overflow:hidden;font-family:var(--mono);font-size:12px}
.method{font-weight:700;color:var(--accent)}
.url{overflow:hidden;text-overflow:ellipsis}
.status{padding:0 5px;border-radius:4px;background:rgba(74,222,128,.14);color:var(--ok)}
.status.warn{background:var(--warn-bg);color:var(--warn)}
.status.err{background:var(--danger-bg);color:var(--danger)}
.muted{color:var(--muted)}
.spacer{flex:1}
.totals{color:var(--muted);font-variant-numeric:tabular-nums}
.tabs{display:flex;align-self:stretch;gap:2px}
.tab{all:unset;display:inline-flex;align-items:center;gap:6px;padding:0 10px;color:var(--muted);cursor:pointer;border-bottom:2px solid transparent;font-weight:550}
.tab:hover{color:var(--text)}
.tab[aria-selected="true"]{color:var(--text);border-bottom-color:var(--accent)}
.tab:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
.tab-badge{min-width:18px;padding:1px 6px;border-radius:999px;background:var(--surface-2);color:var(--text);font-size:11px;text-align:center;font-variant-numeric:tabular-nums}
.tab-badge.warn{background:var(--warn-bg);color:var(--warn)}
.icon-button{all:unset;display:inline-grid;place-items:center;width:26px;height:26px;border-radius:6px;color:var(--muted);cursor:pointer}
.icon-button:hover{background:var(--surface-2);color:var(--text)}
.icon-button:focus-visible{outline:2px solid var(--accent)}
.tabpanel{flex:1;min-height:0;overflow:auto;outline:none}
.state{margin:16px;color:var(--muted)}
.state.error{color:var(--danger)}
.selection-banner{display:flex;align-items:center;gap:10px;padding:5px 12px;background:rgba(110,168,254,.12);border-bottom:1px solid var(--border);color:var(--text)}
.selection-banner strong{font-family:var(--mono);font-weight:600}
.redirect-notice{padding:5px 12px;border-bottom:1px solid var(--border);background:var(--surface)}
.redirect-notice a{color:var(--accent)}
.error-notice{padding:6px 12px;border-bottom:1px solid var(--border);background:var(--danger-bg);color:var(--danger)}
.error-stack{margin:4px 0 0;padding-left:20px;font-family:var(--mono);font-size:12px;color:var(--text)}
.queries tbody tr.virtual-gap td,.queries tbody tr.virtual-gap:hover td{padding:0;border:0;background:none}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
`;
