import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startRequestData } from '../../../server/panels/request/capture.js';

// Review of 64d19bf: the Request panel's state moved from a closure to an enumerable symbol slot on `req`.
describe('review: the Request panel\'s per-request state on req', () => {
  it('is not printed by console.log(req) / util.inspect, nor copied by Object.assign or a spread', () => {
    const req = { url: '/me?token=t-123', headers: {} } as unknown as IncomingMessage;
    const res = { json(this: { send: (b: string) => unknown }, body: unknown) { return this.send(JSON.stringify(body)); }, send: () => undefined } as unknown as ServerResponse & { json: (b: unknown) => unknown };
    startRequestData(req, res);
    res.json({ apiKey: 'sk-live-998877' });
    // main: `[Symbol(express-debug-toolbar.request-state)]: { responseJson: '{"apiKey":"sk-live-998877"}', … }`
    expect(inspect(req)).not.toContain('sk-live-998877');
    expect(JSON.stringify(Object.getOwnPropertySymbols({ ...req }).length)).toBe('0');
  });
});
