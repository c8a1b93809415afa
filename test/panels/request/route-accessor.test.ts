import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finishRequestData, startRequestData } from '../../../server/panels/request/capture.js';

const fakeRequest = () => ({ baseUrl: '/api', params: { id: '7' } }) as unknown as IncomingMessage;
const fakeResponse = () => ({}) as ServerResponse;

/** Issue 17: the Request panel's `req.route` cost every request a hidden class of its own. */
describe('the Request panel\'s req.route', () => {
  it('is one accessor shared by every request, not functions made per request', () => {
    const [a, b] = [fakeRequest(), fakeRequest()];
    startRequestData(a, fakeResponse());
    startRequestData(b, fakeResponse());
    const [first, second] = [Object.getOwnPropertyDescriptor(a, 'route')!, Object.getOwnPropertyDescriptor(b, 'route')!];
    expect(first.get).toBe(second.get);
    expect(first.set).toBe(second.set);
    expect(first).toMatchObject({ enumerable: true, configurable: true });
  });

  it('reads back what the router set, per request, and records the route with its mount path and params', () => {
    const [a, b] = [fakeRequest(), fakeRequest()];
    const stateA = startRequestData(a, fakeResponse());
    const stateB = startRequestData(b, fakeResponse());
    const route = { path: '/users/:id' };
    (a as unknown as { route: unknown }).route = route;
    expect((a as unknown as { route: unknown }).route).toBe(route);
    expect((b as unknown as { route: unknown }).route).toBeUndefined();
    expect(stateA.route).toEqual({ path: '/api/users/:id', params: { id: '7' } });
    expect(stateB.route).toBeUndefined();
    (a as unknown as { route: unknown }).route = undefined;
    expect((a as unknown as { route: unknown }).route).toBeUndefined();
    // The route that answered is kept once the router unwinds.
    expect(stateA.route).toEqual({ path: '/api/users/:id', params: { id: '7' } });
  });
});

describe('the Request panel\'s stored URL', () => {
  const redaction = (calls: string[]) => ({
    isSecretName: (name: string) => name === 'token',
    redactUrl: (url: string) => {
      calls.push(url);
      return url.replace(/token=[^&]*/, 'token=[redacted]');
    },
    scrubText: (text: string) => text,
  });

  it('reuses the record\'s own redaction of the same URL through the same rules, and redacts again otherwise', () => {
    const req = { url: '/a?token=abc&b=1', headers: {} } as unknown as IncomingMessage;
    const state = startRequestData(req, fakeResponse());
    const calls: string[] = [];
    const rules = redaction(calls);
    const reused = finishRequestData(state, req, rules, { raw: '/a?token=abc&b=1', redacted: '/a?token=[redacted]&b=1', redactUrl: rules.redactUrl });
    expect(calls).toEqual([]);
    const again = finishRequestData(state, req, rules);
    expect(calls).toEqual(['/a?token=abc&b=1']);
    expect(reused).toEqual(again);
    expect(reused.query).toEqual({ token: '[redacted]', b: '1' });
    // Another URL, or other rules: not reused.
    finishRequestData(state, req, rules, { raw: '/other', redacted: '/other', redactUrl: rules.redactUrl });
    finishRequestData(state, req, rules, { raw: '/a?token=abc&b=1', redacted: '/a?token=[redacted]&b=1', redactUrl: (url) => url });
    expect(calls).toHaveLength(3);
  });
});
