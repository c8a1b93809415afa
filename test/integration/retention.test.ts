import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/retention/app.ts', import.meta.url));

describe('stored requests', () => {
  it('do not keep alive the objects that were on the stack when their queries ran', () => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', FIXTURE], { encoding: 'utf8' });
    // 20 requests each had a 20 MB object on the stack; the ring buffer keeps all 20 requests.
    expect(JSON.parse(output).arrayBuffersMB).toBeLessThan(60);
  });

  // A real-app trial (#17): an app registering a layer per request grew ~30 KB a request with the
  // toolbar, the registration's raw stack (every frame's `this`) kept until the layer first ran.
  it('do not keep alive what was on the stack of a layer registered during a request', () => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', FIXTURE, '{}', '/settings'], { encoding: 'utf8' });
    expect(JSON.parse(output).arrayBuffersMB).toBeLessThan(60);
  });
});
