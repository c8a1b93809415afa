import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Redis Cluster of three masters on loopback ports of its own, started from the machine's
 * `redis-server` for one test file and stopped after it. No cluster is left behind: the nodes are
 * this process's children, without persistence, in a temporary folder.
 */
export interface RedisCluster {
  ports: number[];
  stop(): Promise<void>;
}

/** Whether `redis-server` and `redis-cli` can be run here. */
export function redisServerAvailable(): boolean {
  return ['redis-server', 'redis-cli'].every((binary) => spawnSync(binary, ['--version']).status === 0);
}

const portFree = (port: number) => new Promise<boolean>((resolve) => {
  const server = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
});

/** A free port whose cluster bus port (+10000) is free too. */
async function clusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if (!taken.includes(port) && await portFree(port) && await portFree(port + 10000)) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

const ping = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the test Redis Cluster never got ${what}`);
}

/** Starts three masters and joins them into one cluster covering every slot. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'edt-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await clusterPort(ports));
  const nodes: ChildProcess[] = ports.map((port) => spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
    '--dir', dir, '--save', '', '--appendonly', 'no',
  ], { stdio: 'ignore' }));
  const stop = async () => {
    await Promise.all(nodes.map((node) => new Promise<void>((resolve) => {
      if (node.exitCode !== null || node.signalCode !== null) return resolve();
      node.once('exit', () => resolve());
      node.kill('SIGTERM');
    })));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => ports.every((port) => ping(port, 'ping').trim() === 'PONG'), 'its nodes up');
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await waitFor(() => ports.every((port) => ping(port, 'cluster', 'info').includes('cluster_state:ok')), 'to state ok');
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, stop };
}
