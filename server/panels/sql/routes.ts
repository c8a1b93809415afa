import type { PanelRouteContext } from '../panel.js';
import type { Store } from '../../store/store.js';
import type { HotspotsResponse } from '../../types.js';
import { MAX_HOTSPOTS, rankHotspots } from './hotspots.js';
import { serveExplain } from './explain/endpoint.js';
import { serveWhatIf } from './explain/what-if-endpoint.js';
import { serveIndexes } from './explain/indexes-endpoint.js';
import { readSql } from './read.js';

/*
 * The SQL panel's own API under `{mountPath}/api/sql/`: EXPLAIN, what-if, missing indexes and the
 * Hotspots of the whole history. The ones that run statements on the app's database check the
 * method, origin, header and body themselves (explain/endpoint.ts).
 */

const send = (context: PanelRouteContext) => (_res: unknown, status: number, body: unknown) => context.sendJson(status, body);

/** Reads a stored request by id only when the id is one the toolbar makes. */
function byIdStore(context: PanelRouteContext): Store {
  return { add: context.store.add, list: () => context.store.list(), get: (id) => context.getRequest(id) };
}

function methodNotAllowed(context: PanelRouteContext, allow: string): boolean {
  if (allow.split(', ').includes(context.req.method ?? '')) return false;
  context.res.setHeader('Allow', allow);
  context.sendJson(405, { error: `${context.req.method} is not allowed here; use ${allow}` });
  return true;
}

export const sqlRoutes: Readonly<Record<string, (context: PanelRouteContext) => Promise<void> | void>> = {
  '/explain': (context) => serveExplain(context.req, context.res, byIdStore(context), send(context)),
  '/what-if': (context) => serveWhatIf(context.req, context.res, byIdStore(context), send(context)),
  '/indexes': (context) => serveIndexes(context.req, context.res, context.query, async (requestId) => {
    if (requestId === null) return (await context.store.list()).map((request) => readSql(request, context.settings));
    const request = await context.getRequest(requestId);
    return request ? [readSql(request, context.settings)] : null;
  }, send(context)),
  async '/hotspots'(context) {
    if (methodNotAllowed(context, 'GET, HEAD')) return;
    const limitParam = context.query.get('limit');
    const limit = limitParam === null ? MAX_HOTSPOTS : Number(limitParam);
    if (!/^\d+$/.test(limitParam ?? '0') || !Number.isInteger(limit) || limit < 1 || limit > MAX_HOTSPOTS) {
      return context.sendJson(400, { error: `\`limit\` must be an integer from 1 to ${MAX_HOTSPOTS}, got ${JSON.stringify(limitParam)}` });
    }
    const history = await context.store.list();
    const hotspots = rankHotspots(history.map((request) => readSql(request, context.settings)), limit);
    context.sendJson(200, { hotspots } satisfies HotspotsResponse);
  },
};
