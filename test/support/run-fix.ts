import type express from 'express';
import type { NPlusOneGroup, RequestDetail } from '../../server/types.js';
import { fetchRecorded } from './http.js';

/*
 * Runs the code of a suggested fix for real: with the app's models, query builders and the rows
 * its loop walked in scope, inside a request the toolbar records, so the test sees both what the
 * fix returns and how many queries it ran. Imports in the fix (`import { QueryTypes } from
 * 'sequelize'`) are bound from the real modules the test passes; any other free name fails.
 */

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;

/** The names the fix declares at its top level: `const x`, `const { rows: x }`, `const [x]`. */
export function declaredNames(code: string): string[] {
  const names: string[] = [];
  for (const line of code.split('\n')) {
    const match = /^(?:const|let) (?:\{ rows: (\w+) \}|\[(\w+)\]|(\w+))/.exec(line);
    if (match) names.push(match[1] ?? match[2] ?? match[3]);
  }
  return names;
}

/** `import { a, b } from 'm';` lines: the names and their module. */
function imports(code: string): { names: string[]; module: string }[] {
  return [...code.matchAll(/^import \{ ([^}]+) \} from '([^']+)';$/gm)].map((m) => ({ names: m[1].split(',').map((n) => n.trim()), module: m[2] }));
}

export interface FixRun {
  /** The fix's top-level variables after it ran. */
  vars: Record<string, any>;
  /** The toolbar's record of the request the fix ran in. */
  detail: RequestDetail;
}

/**
 * A route on `app` that runs the fix handed to {@link FixRunner.run} in a recorded request. Mount
 * it after the toolbar.
 *
 * @example
 * const runner = fixRunner(app);
 * const { vars, detail } = await runner.run(base, group.suggestion!.code, { User, articles }, { sequelize: Sequelize });
 */
export function fixRunner(app: express.Express) {
  let pending: (() => Promise<Record<string, any>>) | null = null;
  let result: Record<string, any> = {};
  app.get('/__run-fix', async (_req, res, next) => {
    try {
      result = await pending!();
      res.json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  return {
    async run(base: string, code: string, scope: Record<string, unknown>, modules: Record<string, Record<string, unknown>> = {}): Promise<FixRun> {
      const bound: Record<string, unknown> = {};
      for (const { names, module } of imports(code)) {
        for (const name of names) {
          if (!(module in modules) || !(name in modules[module])) throw new Error(`the fix imports ${name} from ${module}, which the test did not provide`);
          bound[name] = modules[module][name];
        }
      }
      const declared = declaredNames(code);
      for (const [name, value] of Object.entries(scope)) if (!declared.includes(name)) bound[name] = value;
      // A CommonJS fix requires what it needs: the same modules, through `require`.
      bound.require = (module: string) => {
        if (!(module in modules)) throw new Error(`the fix requires ${module}, which the test did not provide`);
        return modules[module];
      };
      const body = code.replace(/^import .*$/gm, '');
      const run = new AsyncFunction(...Object.keys(bound), `${body}\nreturn { ${declared.join(', ')} };`);
      pending = () => run(...Object.values(bound)) as Promise<Record<string, any>>;
      const { response, detail } = await fetchRecorded(base, '/__run-fix');
      if (response.status !== 200) throw new Error(`the fix threw: ${detail.error?.message ?? response.status}\n${code}`);
      return { vars: result, detail };
    },
  };
}

/** The one N+1 of a route's record, with its suggestion. */
export function onlyNPlusOne(detail: RequestDetail): NPlusOneGroup & { suggestion: NonNullable<NPlusOneGroup['suggestion']> } {
  if (detail.panels.sql!.nPlusOne.length !== 1) throw new Error(`expected one N+1, got ${detail.panels.sql!.nPlusOne.length}: ${JSON.stringify(detail.panels.sql!.queries.map((q) => q.sql))}`);
  const group = detail.panels.sql!.nPlusOne[0];
  if (!group.suggestion) throw new Error(`no suggestion for ${group.sql}`);
  return group as NPlusOneGroup & { suggestion: NonNullable<NPlusOneGroup['suggestion']> };
}

/** Plain JSON: Sequelize instances, Dates and bigints as the API would send them. */
export const plain = (value: unknown): any => JSON.parse(JSON.stringify(value ?? null));
