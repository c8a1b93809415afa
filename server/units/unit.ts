import { performance } from 'node:perf_hooks';
import { requestContext } from '../request/context.js';
import type { LiveRequest, StoredRequest, UnitKind } from '../request/record.js';
import { freezeError } from '../request/request-error.js';
import { warnOnce } from '../log.js';
import { openLiveRecord } from './record-id.js';
import { addRecord, prepareQueries, type Recorder } from './store-record.js';
import { scrubRecord } from '../request/record-secrets.js';
import { finishPanels, startUnitPanels } from '../panels/lifecycle.js';
import { scrubSecrets } from '../panels/sql/redact-queries.js';

/** Names are labels in History, not data: cut long ones. */
const MAX_NAME = 200;

let active: Recorder | undefined;

/** Called by `debugToolbar()` when it is enabled: tasks and socket events are stored through it. */
export function setActiveRecorder(recorder: Recorder): void {
  active = recorder;
}

/** The enabled toolbar tasks are recorded by, if any. */
export function activeRecorder(): Recorder | undefined {
  return active;
}

/** A live record for work that is not an HTTP request: a task, a socket event, background queries. */
export function openUnit(kind: UnitKind, name: string, recorder: Recorder): LiveRequest {
  const live = openLiveRecord({ kind, method: kind.toUpperCase(), url: name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name },
    recorder.options.maxQueriesPerRequest);
  // The panels that record more than HTTP (logs, cache: `recordsUnits`) record units too.
  startUnitPanels({ live, settings: recorder.options });
  return live;
}

/** Ends a unit's record and stores it; `failure` is what its function threw, boxed. */
export function closeUnit(live: LiveRequest, recorder: Recorder, failure?: { value: unknown }): StoredRequest {
  live.finished = true;
  live.settled = true;
  const secrets = prepareQueries(live.queries, recorder.options);
  const record: StoredRequest = scrubRecord({
    id: live.id,
    kind: live.kind,
    method: live.method,
    url: live.url,
    status: 0,
    startedAt: live.startedAt,
    durationMs: performance.now() - live.startTime,
    contentType: null,
    queries: live.queries.slice(),
    queryCount: live.queryCount,
    ...(failure ? { error: freezeError(failure.value) } : {}),
  }, secrets);
  const panels = finishPanels({ live, settings: recorder.options }, {
    isSecretName: recorder.options.isSecretName,
    redactUrl: recorder.options.redactUrl,
    scrubText: (text) => scrubSecrets(text, secrets),
  });
  live.panelState = undefined;
  if (panels) record.panels = panels;
  addRecord(recorder, record);
  return record;
}

/**
 * Runs `fn` as a unit of work of its own: every query it runs, awaited or not, is recorded in one
 * History entry of `kind`, with the same SQL findings as a request. Errors are the app's: they
 * are rethrown untouched, and recorded.
 */
export async function runAsUnit<T>(kind: UnitKind, name: string, fn: () => T | Promise<T>): Promise<T> {
  const recorder = active;
  if (!recorder) return fn();
  let live: LiveRequest;
  try {
    live = openUnit(kind, name, recorder);
  } catch (error) {
    warnOnce('unit', `could not record a ${kind}; running it without the toolbar:`, error);
    return fn();
  }
  let failure: { value: unknown } | undefined;
  try {
    return await requestContext.run({ request: live }, fn);
  } catch (error) {
    failure = { value: error };
    throw error;
  } finally {
    try {
      closeUnit(live, recorder, failure);
    } catch (error) {
      warnOnce('unit', `could not store a ${kind}:`, error);
    }
  }
}
