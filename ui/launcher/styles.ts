/**
 * The launcher's CSS, scoped to its shadow root. `all: initial` keeps the host page's CSS out.
 * The dock spans the viewport; only its children take clicks (all:unset would inherit none).
 * One rule a line, no comments: every page downloads it.
 */
export const LAUNCHER_CSS = `:host{all:initial;position:fixed;right:0;bottom:0;width:0;height:0;z-index:2147483646}
.l-dock{position:fixed;left:0;right:0;bottom:0;display:flex;flex-direction:column;align-items:flex-end;pointer-events:none;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328}
.l-dock>*{pointer-events:auto}
.l-toggle{all:unset;pointer-events:auto;box-sizing:border-box;display:inline-flex;align-items:center;gap:6px;margin:0 12px 12px 0;padding:5px 6px 5px 10px;border-radius:999px;background:#1f2328;color:#f6f8fa;font:600 12px/1 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer;user-select:none}
.l-toggle:hover{background:#32383f}
.l-toggle:focus-visible{outline:2px solid #0969da;outline-offset:2px}
.l-toggle[aria-expanded="true"]{margin-bottom:6px}
.l-badge{min-width:20px;padding:3px 6px;border-radius:999px;background:#57606a;color:#fff;text-align:center;font-variant-numeric:tabular-nums}
.l-badge.l-warn{background:#d97706}
.l-more{background:#3d444d}
.l-extra{display:inline-flex;align-items:center;gap:6px}
.l-slot{width:100%}
.l-slot[hidden],.l-toggle[hidden],.l-more[hidden]{display:none}
.l-error{max-width:460px;margin:0 12px 8px 12px;padding:6px 10px;border-radius:6px;background:#fff1f0;color:#a40e26;border:1px solid #ffccc7}
.l-error a{color:inherit;font-weight:600;text-decoration:underline}
.l-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
