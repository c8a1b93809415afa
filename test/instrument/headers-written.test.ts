import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import { whenHeadersWritten } from '../../server/instrument/headers-written.js';

function fakeResponse(calls: string[]): ServerResponse {
  return { writeHead(status: number) { calls.push(`writeHead ${status}`); } } as unknown as ServerResponse;
}

/** Issue 17: one writeHead wrapper for the toolbar's listeners, in on-headers' order. */
describe('whenHeadersWritten', () => {
  it('runs the listeners once, the last added first, as separate on-headers calls would, through one wrapper', () => {
    const calls: string[] = [];
    const res = fakeResponse(calls);
    const original = res.writeHead;
    whenHeadersWritten(res, () => calls.push('first'));
    const wrapped = res.writeHead;
    whenHeadersWritten(res, () => calls.push('second'));
    expect(res.writeHead).toBe(wrapped);
    expect(wrapped).not.toBe(original);
    res.writeHead(200);
    res.writeHead(200);
    expect(calls).toEqual(['second', 'first', 'writeHead 200', 'writeHead 200']);
  });

  it('keeps its place around a wrapper added in between: that one runs between them', () => {
    const calls: string[] = [];
    const res = fakeResponse(calls);
    whenHeadersWritten(res, () => calls.push('toolbar 1'));
    onHeaders(res, () => calls.push('app'));
    whenHeadersWritten(res, () => calls.push('toolbar 2'));
    res.writeHead(201);
    expect(calls).toEqual(['toolbar 2', 'app', 'toolbar 1', 'writeHead 201']);
  });
});
