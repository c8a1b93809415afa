import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs a fixture server under tsx in a child process (call sites are then the file's own lines,
 * not vitest's transform's); resolves once it prints `{ "url": … }` on its first line.
 *
 * @example
 * const app = await startChildApp(SERVER, { EDT_DATABASE_URL: POSTGRES_URL });
 * await fetch(`${app.url}/feed`); await app.stop();
 */
export function startChildApp(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, url: (JSON.parse(line) as { url: string }).url, stop }));
    child.once('exit', (code) => reject(new Error(`fixture app exited (${code}): ${stderr}`)));
  });
}
