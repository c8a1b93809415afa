/*
 * Runs the code of a suggested fix, as a user would paste it: with the app's client, models and
 * tables in scope and its `import` lines resolved against the real packages. Returns every
 * top-level `const` it declared, so the test can compare its data with what the N+1 loaded.
 */

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<Record<string, unknown>>;

const IMPORT = /^import\s+\{([^}]*)\}\s+from\s+'([^']+)';\s*$/;

/**
 * @example
 * const out = await runFix(suggestion.code, { prisma, ids: [1, 2] }, { typeorm });
 * out.articles // the rows the fix loaded
 */
export async function runFix(code: string, scope: Record<string, unknown>, modules: Record<string, Record<string, unknown>> = {}): Promise<Record<string, unknown>> {
  const imported: Record<string, unknown> = {};
  const body: string[] = [];
  for (const line of code.split('\n')) {
    const match = IMPORT.exec(line);
    if (!match) { body.push(line); continue; }
    const module = modules[match[2]];
    if (!module) throw new Error(`the fix imports ${match[2]}, which the test did not provide`);
    for (const name of match[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!(name in module)) throw new Error(`${match[2]} has no export ${name}`);
      imported[name] = module[name];
    }
  }
  const declared = [...code.matchAll(/^const\s+(?:\{[^}]*\}|\[[^\]]*\]|([A-Za-z_$][\w$]*))\s*=/gm)].map((m) => m[1]).filter(Boolean);
  const names = [...Object.keys(scope), ...Object.keys(imported)];
  const run = new AsyncFunction(...names, `${body.join('\n')}\nreturn { ${declared.join(', ')} };`);
  return run(...names.map((name) => (name in scope ? scope[name] : imported[name])));
}
