import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RequestDetail, RequestListResponse } from '../../server/types.js';
import { REDIS_URL, adminClient, redisAvailable, testPrefix } from '../fixtures/cluster/redis.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/cluster/app.ts', import.meta.url));
const available = await redisAvailable();

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One request on a connection of its own, so the cluster's round robin reaches both workers. */
function get(url: string): Promise<{ status: number; pid: number; id: string | null; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        pid: Number(res.headers['x-worker-pid']),
        id: (res.headers['x-debug-toolbar-id'] as string | undefined) ?? null,
        body: JSON.parse(text),
      }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
  });
}

async function waitForReady(child: ChildProcess, ms: number): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the cluster did not start within ${ms} ms:\n${output}`)), ms);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (/^ready$/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the cluster exited (${code}) before it was ready:\n${output}`));
    });
  });
}

describe.skipIf(!available)('redisStore behind node:cluster', { timeout: 60_000 }, () => {
  const prefix = testPrefix('cluster');
  let child: ChildProcess;
  let base: string;
  const workerPids = new Set<number>();

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, PORT: String(port), REDIS_URL, KEY_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await waitForReady(child, 30_000);
  }, 40_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        // The whole group: the primary and any worker it left behind.
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      }, 5000);
      const [code] = await exited;
      clearTimeout(timer);
      expect(code, 'the cluster exits cleanly on SIGTERM').toBe(0);
      for (const pid of workerPids) expect(() => process.kill(pid, 0), `worker ${pid} is gone`).toThrow();
    }
    const admin = await adminClient(prefix);
    await admin.cleanup();
  }, 20_000);

  it('lets either worker answer for the requests of both', async () => {
    const served: { id: string; pid: number }[] = [];
    for (let i = 0; i < 40 && new Set(served.map((s) => s.pid)).size < 2; i++) {
      const response = await get(`${base}/pid`);
      expect(response.status).toBe(200);
      expect(response.body.pid).toBe(response.pid);
      served.push({ id: response.id!, pid: response.pid });
    }
    const pids = new Set(served.map((s) => s.pid));
    for (const pid of pids) workerPids.add(pid);
    expect(pids.size, 'responses came from both workers').toBe(2);

    for (const { id, pid } of served) {
      let answeredByOther: Awaited<ReturnType<typeof get>> | undefined;
      for (let attempt = 0; attempt < 30 && !answeredByOther; attempt++) {
        const response = await get(`${base}/__toolbar/api/requests/${id}`);
        if (response.status === 200 && response.pid !== pid) answeredByOther = response;
        else if (response.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(answeredByOther, `request ${id} (served by ${pid}) read through the other worker`).toBeDefined();
      expect((answeredByOther!.body as RequestDetail).id).toBe(id);
      expect((answeredByOther!.body as RequestDetail).url).toBe('/pid');
    }

    const list = await get(`${base}/__toolbar/api/requests`);
    const listed = (list.body as RequestListResponse).requests.map((r) => r.id);
    for (const { id } of served) expect(listed).toContain(id);
  });
});
