import { spawn, type ChildProcess } from 'node:child_process';

/** A fixture app running in a process of its own, listening on the port it printed. */
export interface RunningApp {
  url: string;
  /** Everything the app wrote to stderr so far: its own logs and the toolbar's warnings. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `command args` in `cwd` and waits for the app to print `{"port":N}` on a line of its
 * stdout. Fails with the app's stderr when it exits first or takes longer than `timeoutMs`.
 *
 * @example
 * const app = await startApp(process.execPath, ['app.js'], { cwd: dir });
 * await fetch(`${app.url}/`);
 * await app.stop();
 */
export function startApp(
  command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunningApp> {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} ${args.join(' ')} printed no port in ${options.timeoutMs ?? 30_000} ms; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^\{"port":(\d+)\}$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${match[1]}`, stderr: () => stderr, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before listening; stderr:\n${stderr}`));
    });
  });
}
