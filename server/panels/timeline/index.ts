import type { IncomingMessage } from 'node:http';
import type { LiveRequest } from '../../request/record.js';
import { reportHookError } from '../../instrument/patch.js';
import type { ServerPanel } from '../panel.js';
import { instrumentExpressApp } from './express-layers.js';
import { subscribeHttpChannels } from './http-client.js';
import { followExpressRegistrations } from './registration-sites.js';
import { closeOpenSpans, milestone, openTimeline } from './spans.js';
import { timelineDetail, type StoredTimeline } from './timeline-tree.js';
import type { TimelineDetail } from '../../types.js';

// Route modules usually register their handlers before debugToolbar() runs (imports first): the
// line of each `app.get`/`router.use` is remembered from the moment the toolbar is imported,
// unless the toolbar will be off by default (registration-sites.ts).
if (process.env.NODE_ENV !== 'production') followExpressRegistrations();

/**
 * The Timeline panel: each middleware, handler, template render and outbound HTTP call of a
 * request as a span (the app's Layer class is patched on its first request), with the queries
 * under the span that ran them. Its state is the request's record, whose `timeline` the spans,
 * the template capture and the outbound calls add to while it runs.
 */
export const timelinePanel: ServerPanel<LiveRequest, StoredTimeline | undefined, TimelineDetail> = {
  id: 'timeline',
  title: 'Timeline',
  setup(settings) {
    if (!settings.timeline) return;
    followExpressRegistrations();
    subscribeHttpChannels();
  },
  start({ live, req, settings }) {
    if (!settings.timeline) return undefined;
    const timeline = openTimeline(live);
    timeline.req = req;
    instrumentExpressApp((req as IncomingMessage & { app?: unknown }).app, timeline);
    return live;
  },
  headersSent(live) {
    milestone(live, 'headers sent');
  },
  finish(live, { res }) {
    try {
      milestone(live, res?.writableFinished ? 'response finished' : 'connection closed');
      closeOpenSpans(live);
    } catch (error) {
      reportHookError(error);
    }
    return live.timeline ? { spans: live.timeline.spans } : undefined;
  },
  readsRecord: true,
  detail: (stored, record, settings) => timelineDetail(record, stored, settings),
};
