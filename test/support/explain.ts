/** Posts to the explain endpoint the way the toolbar's UI does: same origin, JSON, the custom header. */
export async function postExplain(base: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {},
  mountPath = '/__toolbar') {
  const response = await fetch(`${base}${mountPath}/api/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1', ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
