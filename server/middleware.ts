import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AsyncResource } from 'node:async_hooks';
import { requestContext } from './request/context.js';
import { resolveOptions, type DebugToolbarOptions, type ResolvedOptions } from './options.js';
import type { LiveRequest, StoredRequest } from './request/record.js';
import { requestRootContext } from './panels/timeline/spans.js';
import { createRoutes } from './api/routes.js';
import { launcherTag } from './inject/inject.js';
import { disableConditionalGet, interceptHtml } from './inject/html-injection.js';
import { debug, infoOnce, warnOnce } from './log.js';
import { launcherBlockedBy } from './inject/csp.js';
import { createLiveEvents } from './api/live-events.js';
import { redirectLocation, redirectSources } from './request/redirects.js';
import { freezeError } from './request/request-error.js';
import { requestHeaderFields, responseHeaderFields } from './request/request-headers.js';
import { settleAfterResponse, snapshotQueries } from './request/after-response.js';
import { addRecord, prepareQueries, replaceRecord, type Recorder } from './units/store-record.js';
import { toSummary } from './request/request-detail.js';
import { openLiveRecord } from './units/record-id.js';
import { setActiveRecorder } from './units/unit.js';
import { instrumentSocketIo } from './units/socket-io.js';
import { nameRequestInHeaders } from './request/cache-replay.js';
import { createRequestRedaction, scrubSecrets } from './panels/sql/redact-queries.js';
import { scrubRecord } from './request/record-secrets.js';
import { captureExpressErrors } from './request/express-errors.js';
import { finishPanels, keepPanelsForLateWork, panelBadges, settlePanels, setUpPanels, startPanels } from './panels/lifecycle.js';
import { onResponseHeaders } from './request/server-timing.js';

/** Connect-style middleware, as both Express 4 and 5 take it. */
export type DebugToolbarMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

function isUnderMount(url: string, mountPath: string): boolean {
  if (!url.startsWith(mountPath)) return false;
  const after = url.charAt(mountPath.length);
  return after === '' || after === '/' || after === '?';
}

function openRecord(req: IncomingMessage, options: ResolvedOptions): LiveRequest {
  const live = openLiveRecord({
    method: req.method ?? 'GET',
    // Query strings carry tokens and passwords often enough: never store those.
    url: options.redactUrl((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'),
  }, options.maxQueriesPerRequest);
  // Outbound calls and mount paths recorded later go through the same options.
  live.redactUrl = options.redactUrl;
  return live;
}

function closeRecord(live: LiveRequest, req: IncomingMessage, res: ServerResponse, options: ResolvedOptions,
  panels: Record<string, unknown> | undefined): StoredRequest {
  const contentType = res.getHeader('content-type');
  const status = res.headersSent ? res.statusCode : 0;
  const location = redirectLocation(status, res.getHeader('location'), req.headers.host, options.redactUrl);
  // One object, its optional fields set after: spreading `...(x ? {…} : {})` built a throwaway
  // object per field, per request.
  const record: StoredRequest = {
    id: live.id,
    method: live.method,
    url: live.url,
    // A response closed before its headers went out never reached the client with a status.
    status,
    startedAt: live.startedAt,
    durationMs: performance.now() - live.startTime,
    contentType: typeof contentType === 'string' ? contentType : null,
    queries: snapshotQueries(live.queries),
    queryCount: live.queryCount,
    // Read now that the response is out, credentials redacted: never on the request's hot path.
    requestHeaders: requestHeaderFields(req, options.isSecretName, options.redactUrl),
    responseHeaders: responseHeaderFields(res, options.isSecretName, options.redactUrl),
  };
  if (live.capturedError) record.error = freezeError(live.capturedError.value);
  if (location) record.location = location.display;
  if (location?.target !== undefined) record.locationTarget = location.target;
  if (live.replayedFrom !== undefined) record.replayedFrom = live.replayedFrom;
  if (panels) record.panels = panels;
  return record;
}

const BUILT_IN_PAGE_POLICY = "default-src 'none'";

/** A page whose CSP refuses the launcher shows no toolbar and no reason: say it in the log, once. */
function warnIfCspBlocks(res: ServerResponse, nonce: string | undefined, live: LiveRequest, mountPath: string): void {
  const header = res.getHeader('content-security-policy');
  if (header === undefined) return;
  // Express's own 404 and error pages (finalhandler, serve-static) send exactly this policy: no
  // nonce or setting of the app's can change it, so advice about one would be wrong.
  if (header === BUILT_IN_PAGE_POLICY) return debug('no launcher on %s %s: Express\'s own page allows no script', live.method, live.url);
  const reason = launcherBlockedBy(Array.isArray(header) ? header : [String(header)], nonce !== undefined);
  if (reason === null) return;
  warnOnce('csp', `the Content-Security-Policy of ${live.method} ${live.url} blocks the toolbar's launcher: ${reason}. `
    + `Put the page's nonce in res.locals.cspNonce (or pass the \`nonce\` option), or open ${mountPath}/ for the full-page toolbar.`);
}

function launcherSnippet(live: LiveRequest, req: IncomingMessage, res: ServerResponse, options: ResolvedOptions): string {
  const nonce = options.nonce(req, res);
  warnIfCspBlocks(res, nonce, live, options.mountPath);
  return launcherTag({
    src: `${options.mountPath}/static/launcher.js`,
    requestId: live.id,
    mountPath: options.mountPath,
    nonce,
    replayedFrom: live.replayedFrom,
    badges: panelBadges(live),
  });
}

/**
 * Code after `res.send()`/`res.redirect()` runs after the response, whether or not the socket has
 * flushed it yet: mark the record at the `end()` call, so that such queries are counted after the
 * response every time and not depending on the timing of 'finish'.
 */
function markResponded(live: LiveRequest, res: ServerResponse): void {
  const end = res.end;
  res.end = function endMarkingResponded(this: ServerResponse, ...args: unknown[]) {
    live.responded = true;
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['end'];
}

function startRecording(req: IncomingMessage, res: ServerResponse, recorder: Recorder): LiveRequest {
  const { options } = recorder;
  const live = openRecord(req, options);
  nameRequestInHeaders(res, live.id, `${options.mountPath}/#/requests/${live.id}`, (from) => {
    live.replayedFrom = from;
  }, (error) => warnOnce('headers', 'could not set the toolbar headers:', error));
  markResponded(live, res);
  const panelRequest = { live, req, res, settings: options };
  // The error a request fails with is kept whether or not the timeline is recorded.
  captureExpressErrors((req as IncomingMessage & { app?: unknown }).app);
  startPanels(panelRequest);
  if (options.serverTiming || options.timeline) onResponseHeaders(live, res, options.serverTiming);
  disableConditionalGet(req);
  interceptHtml(req, res, {
    snippet: () => launcherSnippet(live, req, res, options),
    maxBytes: options.maxInjectBytes,
    onSkip: (reason) => debug('not injecting into %s %s: %s', live.method, live.url, reason),
    onError: (error) => warnOnce('inject', 'could not inject the toolbar; the page was served unchanged:', error),
  });
  let stored = false;
  const store = () => {
    if (stored) return;
    stored = true;
    // Runs from the response's 'finish'/'close' event: a throw here would be the app's uncaught exception.
    try {
      // The raw stacks captured on the hot path hold every frame's `this` and function alive: turn
      // them into plain frames now that the response is out, or the ring buffer would keep whatever
      // the app had on its stack (request bodies, reports, ORM instances) for up to `capacity` requests.
      // Secrets bound to password/token/api_key columns go now, before the record reaches the
      // store: once per query, with the statement's plan cached by SQL text, then wherever else
      // the request carries the same values.
      const redaction = createRequestRedaction();
      const secrets = prepareQueries(live.queries, options, redaction);
      live.stackSamples = undefined;
      // Before the record is marked finished: the timeline's last milestone is still recorded.
      const panelRedaction = {
        isSecretName: options.isSecretName,
        redactUrl: options.redactUrl,
        scrubText: (text: string) => scrubSecrets(text, secrets),
      };
      const panels = finishPanels(panelRequest, panelRedaction);
      live.finished = true;
      keepPanelsForLateWork(live, options.afterResponseMs);
      // The panels' parts too: what the queries showed secret is hidden in span names and details.
      const record = scrubRecord(closeRecord(live, req, res, options, panels), secrets);
      // The error object may reference the app's data (a failed query's rows, the request): keep text only.
      live.capturedError = undefined;
      addRecord(recorder, record);
      settleAfterResponse(live, record, {
        graceMs: options.afterResponseMs,
        replace(settled) {
          let final: StoredRequest;
          try {
            // Late queries are redacted with the rest: what they show secret is hidden in the
            // earlier ones too, and the findings keep their real runs.
            final = scrubRecord(settlePanels(settled, panelRequest, panelRedaction), prepareQueries(settled.queries, options, redaction));
          } catch (error) {
            // Runs from a timer: a throw here would be the app's uncaught exception.
            return warnOnce('store', 'could not redact a request settling after its response:', error);
          }
          if (!replaceRecord(recorder, final)) debug('the store has no update(): %s keeps its record as of the response', live.id);
        },
      });
    } catch (error) {
      live.finished = true;
      warnOnce('store', 'could not store a request:', error);
    }
  };
  res.once('finish', store);
  res.once('close', store);
  return live;
}

/**
 * The debug toolbar: records each request's SQL and injects the toolbar into HTML pages. Mount it
 * first, before the app's other middleware.
 *
 * @example
 * import express from 'express';
 * import pg from 'pg';
 * import { debugToolbar } from 'express-debug-toolbar';
 *
 * const app = express();
 * app.use(debugToolbar({ instrument: { pg } }));
 */
export function debugToolbar(userOptions?: DebugToolbarOptions): DebugToolbarMiddleware {
  const options = resolveOptions(userOptions);
  if (!options.enabled) {
    // Off by default rather than by choice: some apps set NODE_ENV=production themselves when it
    // is unset, and a toolbar that silently shows nothing looks broken.
    if (userOptions?.enabled === undefined) {
      infoOnce('disabled', `off: NODE_ENV is "${process.env.NODE_ENV}", so nothing is recorded or served. `
        + 'Pass `enabled: true` to debugToolbar() to turn it on (only where no one else can reach the app).');
    }
    return function debugToolbarDisabled(_req, _res, next) {
      next();
    };
  }
  setUpPanels(options);
  if (options.instrument.socketIo) instrumentSocketIo(options.instrument.socketIo);
  const events = createLiveEvents((error) => warnOnce('live', 'a live update stream failed:', error));
  const recorder: Recorder = { options, events, summarize: (record, history) => toSummary(record, options, redirectSources(history)) };
  setActiveRecorder(recorder);
  const routes = createRoutes(options, events);

  return function debugToolbarMiddleware(req, res, next) {
    let allowed = false;
    try {
      allowed = options.allow(req) === true;
    } catch (error) {
      warnOnce('allow', '`allow(req)` threw; treating the request as not allowed:', error);
    }
    if (!allowed) return next();

    if (isUnderMount(req.url ?? '/', options.mountPath)) {
      routes(req, res).catch((error) => {
        warnOnce('routes', 'a toolbar endpoint failed:', error);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.end(JSON.stringify({ error: 'the toolbar failed to answer; see the server log' }));
        } else {
          res.end();
        }
      });
      return;
    }

    let live: LiveRequest;
    try {
      live = startRecording(req, res, recorder);
    } catch (error) {
      warnOnce('record', 'could not record a request; serving it without the toolbar:', error);
      return next();
    }
    requestContext.run(requestRootContext(live), continueInContext, req, next);
  };
}

/**
 * The request body's events ('data', 'end') come from the socket, outside the request's context:
 * a body parser whose callback does not rebind (raw-body before 2.5, Express 4.17's) would lose
 * every query after it. Emitted in the request's context, they keep it.
 *
 * One resource and a named function rather than `AsyncResource.bind`: Node's bind also defines
 * properties (deprecated ones among them) on every function it returns, per request.
 */
function emitInRequestContext(req: IncomingMessage): void {
  const resource = new AsyncResource('DebugToolbarRequest');
  const emit = req.emit;
  req.emit = function emitInContext(this: IncomingMessage, ...args: unknown[]) {
    return resource.runInAsyncScope(emit as (...a: unknown[]) => boolean, this, ...args);
  } as IncomingMessage['emit'];
}

/** Runs inside the request's context: binds its stream there, then hands over to the app. */
function continueInContext(req: IncomingMessage, next: () => void): void {
  try {
    emitInRequestContext(req);
  } catch (error) {
    warnOnce('bind-request', 'could not bind the request stream to its context:', error);
  }
  next();
}
