import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { NPlusOneGroup, RequestDetail } from '../../server/types.js';
import { fetchRecorded, waitForRecord } from './http.js';

/*
 * A fixture app in a child process under tsx, as a user's app runs (vitest's transform moves
 * lines and keeps its source maps to itself): test/fixtures/orm-fixes/*-app.ts.
 */

export interface RunningApp {
  child: ChildProcess;
  url: string;
  /** The line of the app holding `// marker`: the app's code is the truth, not a number in the test. */
  lineOf: (marker: string) => number;
  stop: () => Promise<void>;
}

export function startApp(file: string, env: Record<string, string>): Promise<RunningApp> {
  const source = readFileSync(file, 'utf8').split('\n');
  const lineOf = (marker: string) => source.findIndex((line) => line.includes(`// ${marker}`)) + 1;
  const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, url: JSON.parse(line).url, lineOf, stop }));
    child.once('exit', (code) => reject(new Error(`fixture app exited (${code}): ${stderr}`)));
  });
}

/** A route's JSON and the toolbar's record of it. */
export async function getRecorded(app: RunningApp, path: string): Promise<{ data: unknown; detail: RequestDetail }> {
  const { body, detail } = await fetchRecorded(app.url, path);
  return { data: JSON.parse(body), detail };
}

/**
 * Runs a fix's code in the app (POST /run-fix, with the app's client and models in scope) and
 * returns the constants it declared and the toolbar's record of that request.
 */
export async function runFixInApp(app: RunningApp, code: string, ids?: unknown[]): Promise<{ out: Record<string, any>; detail: RequestDetail }> {
  const response = await fetch(`${app.url}/run-fix`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, ids }),
  });
  const out = await response.json();
  if (response.status !== 200) throw new Error(`the fix failed in the app: ${out.error}\n--- code:\n${code}`);
  const detail = await waitForRecord(app.url, response.headers.get('x-debug-toolbar-id')!);
  return { out, detail };
}

/** The one N+1 of a request, with the SQL of its queries in the failure message. */
export function onlyNPlusOne(detail: RequestDetail): NPlusOneGroup {
  if (detail.panels.sql!.nPlusOne.length !== 1) {
    throw new Error(`expected one N+1, got ${detail.panels.sql!.nPlusOne.length}: ${JSON.stringify(detail.panels.sql!.queries.map((q) => [q.sql.slice(0, 80), q.callSite?.line]))}`);
  }
  return detail.panels.sql!.nPlusOne[0];
}
