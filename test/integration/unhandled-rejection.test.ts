import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { POSTGRES_URL, postgresAvailable } from '../support/postgres.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/unhandled/pg-unawaited.ts', import.meta.url));
const available = await postgresAvailable();

function run(mode: 'plain' | 'toolbar') {
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, mode, POSTGRES_URL], { encoding: 'utf8' }));
}

describe.skipIf(!available)('an unawaited failing pg query', () => {
  it('still reaches the app as an unhandled rejection, and is recorded with its error', () => {
    expect(run('plain')).toEqual({ unhandled: 1, recorded: [] });
    const withToolbar = run('toolbar');
    expect(withToolbar.unhandled).toBe(1);
    expect(withToolbar.recorded).toEqual([expect.stringMatching(/nowhere/)]);
  });
});
