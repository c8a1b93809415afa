/**
 * Whether a page's Content-Security-Policy lets the injected `<script src=…/launcher.js>` run. Only
 * the server can say why the toolbar is missing from such a page: the browser refuses the script
 * before any of the toolbar's code exists to explain it.
 */

/** The sources of the directive that governs `<script src>`: script-src-elem, script-src, default-src. */
function scriptSources(policy: string): string[] | null {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    // The first occurrence of a directive wins; later ones are ignored by browsers.
    if (!directives.has(key)) directives.set(key, sources.map((source) => source.toLowerCase()));
  }
  return directives.get('script-src-elem') ?? directives.get('script-src') ?? directives.get('default-src') ?? null;
}

/** A same-origin script URL is allowed by `'self'`, `*`, a scheme (`http:`) or a host source. */
function allowsSameOriginUrl(sources: string[]): boolean {
  return sources.some((source) => source === "'self'" || source === '*' || source === 'http:' || source === 'https:'
    || (!source.startsWith("'") && !/^(data|blob|filesystem|mediastream|ws|wss):$/.test(source)));
}

/**
 * The reason a policy (one or several Content-Security-Policy header values) blocks the launcher
 * tag, or null when it runs. With a nonce the tag runs (it carries the nonce); without one, a
 * policy with `'strict-dynamic'` ignores every host source, and any other needs a source that
 * matches the toolbar's own URL. Host sources are trusted to match: the toolbar cannot know under
 * which name the browser reached the page.
 *
 * @example
 * launcherBlockedBy("script-src 'nonce-abc'", false) // "script-src allows only nonces…"
 */
export function launcherBlockedBy(policies: string[], hasNonce: boolean): string | null {
  if (hasNonce) return null;
  for (const policy of policies) {
    const sources = scriptSources(policy);
    if (sources === null) continue;
    if (sources.includes("'strict-dynamic'")) return "its script-src has 'strict-dynamic', which allows only scripts with its nonce";
    if (!allowsSameOriginUrl(sources)) return `its script-src (${sources.join(' ') || "'none'"}) does not allow the toolbar's script`;
  }
  return null;
}
