import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestDetail, RequestListResponse } from '../../server/types.js';

/** Listens on a free loopback port; returns the base URL and a close function. */
export async function listen(app: { listen: (port: number, host: string, cb: () => void) => Server }) {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Fetches a page, then the toolbar's record of it. */
export async function fetchRecorded(base: string, path: string, mountPath = '/__toolbar', init?: RequestInit) {
  const response = await fetch(base + path, init);
  const body = await response.text();
  const id = response.headers.get('x-debug-toolbar-id');
  if (!id) throw new Error(`no X-Debug-Toolbar-Id on ${path} (status ${response.status})`);
  const detail = await waitForRecord(base, id, mountPath);
  return { response, body, id, detail };
}

/** The record is stored when the response finishes, a tick after the client may have read it. */
export async function waitForRecord(base: string, id: string, mountPath = '/__toolbar'): Promise<RequestDetail> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await fetch(`${base}${mountPath}/api/requests/${id}`);
    if (response.status === 200) return (await response.json()) as RequestDetail;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`request ${id} was never stored`);
}

export async function listRequests(base: string, mountPath = '/__toolbar'): Promise<RequestListResponse> {
  return (await (await fetch(`${base}${mountPath}/api/requests`)).json()) as RequestListResponse;
}

/** Polls the record until `done` holds (the record settles `afterResponseMs` after the response). */
export async function waitForSettled(base: string, id: string, done: (detail: RequestDetail) => boolean, mountPath = '/__toolbar'): Promise<RequestDetail> {
  let detail = await waitForRecord(base, id, mountPath);
  for (let attempt = 0; attempt < 200 && !done(detail); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    detail = await waitForRecord(base, id, mountPath);
  }
  return detail;
}
