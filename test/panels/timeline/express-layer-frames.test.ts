import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import { fetchRecorded, listen } from '../../support/http.js';

/*
 * The timeline times every Express layer, but an error the app logs must read as it would without
 * the toolbar: Node keeps 10 frames, and each frame the toolbar put between the app's own would
 * push one of the app's out of its log. The stacks of the same app are compared with and without
 * the toolbar, synchronous throws (the deepest stacks) and errors passed to next().
 */

const THIS_FILE = fileURLToPath(import.meta.url);
const SERVER_DIR = fileURLToPath(new URL('../../../server/', import.meta.url));

function failDeep(): never {
  throw new Error('the app failed');
}

function describeFailure(message: string): Error {
  return new Error(message);
}

/** The same app, with or without the toolbar in front: its error handler keeps what the app would log. */
function buildApp(express: typeof express5, withToolbar: boolean) {
  const logged: string[] = [];
  const app = express();
  if (withToolbar) app.use(debugToolbar({ enabled: true }));
  app.use(function parseThings(_req, _res, next) {
    next();
  });
  app.use(function loadUser(_req, _res, next) {
    next();
  });
  app.get('/throws', function throwingHandler() {
    failDeep();
  });
  app.get('/passes', function passingHandler(_req, _res, next) {
    next(describeFailure('passed to next'));
  });
  app.use((error: Error, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
    logged.push(error.stack ?? '');
    res.status(500).send('failed');
  });
  return { app, logged };
}

/** The frames of a stack, with the toolbar's marked, and the app's own. */
function framesOf(stack: string) {
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  return {
    frames,
    toolbar: frames.filter((line) => line.includes(SERVER_DIR)),
    app: frames.filter((line) => line.includes(THIS_FILE)).map((line) => line.trim()),
  };
}

const limit = Error.stackTraceLimit;
beforeAll(() => {
  Error.stackTraceLimit = 10; // Node's default, which the test runner raises
});
afterAll(() => {
  Error.stackTraceLimit = limit;
});

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('an app error on %s, as the app logs it', (_name, express) => {
  const plain = buildApp(express, false);
  const recorded = buildApp(express, true);
  let plainServer: Awaited<ReturnType<typeof listen>>;
  let recordedServer: Awaited<ReturnType<typeof listen>>;
  const withoutToolbar = new Map<string, string>();

  beforeAll(async () => {
    plainServer = await listen(plain.app);
    recordedServer = await listen(recorded.app);
    // Without the toolbar first: its Layer patch, once applied, is shared by every app of this Express.
    for (const path of ['/throws', '/passes']) {
      await fetch(plainServer.url + path);
      withoutToolbar.set(path, plain.logged.at(-1)!);
    }
  });
  afterAll(async () => {
    await plainServer?.close();
    await recordedServer?.close();
  });

  it.each(['/throws', '/passes'])('%s: the same frames of the app with the toolbar as without, and none of the toolbar\'s', async (path) => {
    const { detail } = await fetchRecorded(recordedServer.url, path);
    const without = framesOf(withoutToolbar.get(path)!);
    const withToolbar = framesOf(recorded.logged.at(-1)!);
    expect(without.app.length).toBeGreaterThanOrEqual(2);
    expect(withToolbar.toolbar).toEqual([]);
    expect(withToolbar.app).toEqual(without.app);
    // And the toolbar still timed every layer and kept the error.
    expect(detail.error?.message).toBe(path === '/throws' ? 'the app failed' : 'passed to next');
    expect(detail.panels.timeline!.spans.filter((span) => span.kind === 'middleware').map((span) => span.name))
      .toEqual(expect.arrayContaining(['parseThings', 'loadUser']));
    expect(detail.panels.timeline!.spans.filter((span) => span.kind === 'handler').map((span) => span.name))
      .toEqual([path === '/throws' ? 'throwingHandler' : 'passingHandler']);
  });
});
