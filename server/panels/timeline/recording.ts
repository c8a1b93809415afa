import type { IncomingMessage, ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import type { LiveRequest } from '../../request/record.js';
import { reportHookError } from '../../instrument/patch.js';
import { instrumentAppViews } from '../templates/view-render.js';
import { instrumentExpressApp } from './express-layers.js';
import { figuresOf, mergeServerTiming, serverTimingValue } from './server-timing.js';
import { closeOpenSpans, milestone, openTimeline } from './spans.js';
import { panelServerTiming } from '../lifecycle.js';

/** What the timeline needs from the options. */
export interface TimelineSettings {
  /** Record middleware, handler, render and HTTP spans. */
  timeline: boolean;
  /** Send the `Server-Timing` header. */
  serverTiming: boolean;
}

/**
 * Starts the timeline of a request: patches the app's Layer and View classes on its first request,
 * and, when the headers go out, marks the moment and sets `Server-Timing`.
 */
export function startTimeline(live: LiveRequest, req: IncomingMessage, res: ServerResponse, settings: TimelineSettings): void {
  if (!settings.timeline && !settings.serverTiming) return;
  if (settings.timeline) {
    const timeline = openTimeline(live);
    timeline.req = req;
    const app = (req as IncomingMessage & { app?: unknown }).app;
    instrumentExpressApp(app, timeline);
    instrumentAppViews(app);
  }
  onHeaders(res, function onTimelineHeaders() {
    try {
      milestone(live, 'headers sent');
      if (settings.serverTiming) {
        res.setHeader('Server-Timing', mergeServerTiming(res.getHeader('Server-Timing'), serverTimingValue(figuresOf(live), panelServerTiming(live))));
      }
    } catch (error) {
      reportHookError(error);
    }
  });
}

/** Called once the response is over, before the record is stored: the last milestone, open spans closed. */
export function finishTimeline(live: LiveRequest, res: ServerResponse): void {
  if (!live.timeline) return;
  try {
    milestone(live, res.writableFinished ? 'response finished' : 'connection closed');
    closeOpenSpans(live);
  } catch (error) {
    reportHookError(error);
  }
}
