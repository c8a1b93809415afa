/**
 * Where the toolbar's time goes, from inside the enabled variant's process: the orchestrator sends
 * 'profile-start', drives load, then 'profile-stop', and gets back the CPU profile's self time per
 * toolbar file (and its top functions), as a share of all the samples. V8 charges a builtin such as
 * a stack capture to the JavaScript function that called it, so the files show the full cost.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface ProfileSummary {
  /** µs of process time per sample, from the profile's own clock. */
  intervalMicros: number;
  totalSamples: number;
  /** Samples in the toolbar's own files. */
  toolbarSamples: number;
  /** Samples in (idle): the process waiting, not working. */
  idleSamples: number;
  byFile: { file: string; samples: number }[];
  byFunction: { name: string; samples: number }[];
  /** Functions without a script (V8 builtins, natives such as the stack capture), by self time. */
  natives: { name: string; samples: number }[];
  /** Every sample by where it ran: a toolbar file, a package, Node's internals, GC. */
  byBucket: { bucket: string; samples: number }[];
  /**
   * The toolbar's samples with the natives and Node internals it called, by the toolbar function
   * the app, a package or Node's event loop entered it through (the middleware, a driver hook, the
   * response's `end`, the 'finish' listener): which moment of a request costs what.
   */
  byEntry: { name: string; samples: number }[];
}

function bucketOf(file: string, functionName: string, toolbarDir: string): string {
  if (file.startsWith(toolbarDir)) return 'toolbar';
  if (file === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (file.startsWith('node:')) return file.split('/').slice(0, 2).join('/');
  const at = file.lastIndexOf('/node_modules/');
  if (at >= 0) {
    const parts = file.slice(at + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return 'app';
}

interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number }

function post<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

function summarise({ nodes, startTime, endTime }: Profile, toolbarDir: string): ProfileSummary {
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byBucket = new Map<string, number>();
  const natives = new Map<string, number>();
  let totalSamples = 0;
  let toolbarSamples = 0;
  let idleSamples = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    totalSamples += hits;
    if (node.callFrame.functionName === '(idle)') idleSamples += hits;
    const url = node.callFrame.url;
    const file = url.startsWith('file://') ? fileURLToPath(url) : url;
    const bucket = bucketOf(file, node.callFrame.functionName, toolbarDir);
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + hits);
    if (bucket === '(native)') natives.set(node.callFrame.functionName, (natives.get(node.callFrame.functionName) ?? 0) + hits);
    if (!file.startsWith(toolbarDir) || hits === 0) continue;
    toolbarSamples += hits;
    const short = file.slice(toolbarDir.length).split(sep).join('/');
    byFile.set(short, (byFile.get(short) ?? 0) + hits);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${short}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  const byEntry = samplesByEntry(nodes, toolbarDir);
  return {
    intervalMicros: (endTime - startTime) / Math.max(1, totalSamples),
    totalSamples, toolbarSamples, idleSamples,
    byFile: sorted(byFile).map(([file, samples]) => ({ file, samples })),
    byFunction: sorted(byFunction).slice(0, 30).map(([name, samples]) => ({ name, samples })),
    natives: sorted(natives).slice(0, 8).map(([name, samples]) => ({ name, samples })),
    byBucket: sorted(byBucket).map(([bucket, samples]) => ({ bucket, samples })),
    byEntry: sorted(byEntry).slice(0, 15).map(([name, samples]) => ({ name, samples })),
  };
}

/**
 * Charges each sample whose nearest JavaScript frame is the toolbar's (natives and Node internals
 * skipped) to the outermost toolbar frame of that run of toolbar frames: its entry point. Time in
 * the app or a package called back from inside the toolbar (a wrapped handler, the real driver
 * call) stays theirs.
 */
function samplesByEntry(nodes: ProfileNode[], toolbarDir: string): Map<string, number> {
  const parents = new Map<number, ProfileNode>();
  for (const node of nodes) for (const child of node.children ?? []) parents.set(child, node);
  const fileOf = (node: ProfileNode) => (node.callFrame.url.startsWith('file://') ? fileURLToPath(node.callFrame.url) : node.callFrame.url);
  // Node's HTTP and stream code under a toolbar frame is the real `res.end`/`writeHead` a wrapper
  // called through to: the app's cost, as without the toolbar. Other internals (async_hooks, url,
  // fs) and natives (the stack capture) are work the toolbar asked for.
  const isPassThrough = (file: string) => /^node:(?:_http_|net|stream|internal\/streams\/|internal\/http)/.test(file);
  const isInternal = (node: ProfileNode) => fileOf(node) === '' || (fileOf(node).startsWith('node:') && !isPassThrough(fileOf(node)));
  const isToolbar = (node: ProfileNode) => fileOf(node).startsWith(toolbarDir);
  const byEntry = new Map<string, number>();
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    let current: ProfileNode | undefined = node;
    while (current && isInternal(current)) current = parents.get(current.id);
    if (!current || !isToolbar(current)) continue;
    let entry = current;
    for (let up = parents.get(current.id); up && (isToolbar(up) || isInternal(up)); up = parents.get(up.id)) {
      if (isToolbar(up)) entry = up;
    }
    const name = `${entry.callFrame.functionName || '(anonymous)'} ${fileOf(entry).slice(toolbarDir.length).split(sep).join('/')}`;
    byEntry.set(name, (byEntry.get(name) ?? 0) + hits);
  }
  return byEntry;
}

export function listenForProfileRequests(toolbarDir: string): void {
  let session: Session | null = null;
  process.on('message', (message) => {
    if (message === 'profile-start') {
      session = new Session();
      session.connect();
      void post(session, 'Profiler.enable')
        .then(() => post(session!, 'Profiler.setSamplingInterval', { interval: 100 }))
        .then(() => post(session!, 'Profiler.start'))
        .then(() => process.send?.({ profiling: true }));
    } else if (message === 'profile-stop' && session) {
      const current = session;
      session = null;
      void post<{ profile: Profile }>(current, 'Profiler.stop').then(({ profile }) => {
        current.disconnect();
        // BENCH_PROFILE_DIR keeps the whole profile, to open in Chrome DevTools' Performance tab.
        const dir = process.env.BENCH_PROFILE_DIR;
        if (dir) writeFileSync(join(dir, `${process.argv[2] ?? "app"}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
        process.send?.({ profile: summarise(profile, toolbarDir) });
      });
    }
  });
}
