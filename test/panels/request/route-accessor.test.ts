import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startRequestData } from '../../../server/panels/request/capture.js';

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
