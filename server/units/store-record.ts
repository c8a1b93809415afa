import type { ResolvedOptions } from '../options.js';
import type { CapturedQuery, StoredRequest } from '../request/record.js';
import type { RequestSummary } from '../types.js';
import type { LiveEvents } from '../api/live-events.js';
import { warnOnce } from '../log.js';
import { createRequestRedaction, redactRequestQueries, type RequestRedaction } from '../panels/sql/redact-queries.js';

/** What storing needs: the options and the live-update stream of one toolbar. */
export interface Recorder {
  options: ResolvedOptions;
  events: LiveEvents;
  /**
   * A stored record's list line, with the redirect that led to it found in `history` (the read
   * path's toSummary, given by the middleware: the read path asks the panels, which record here).
   */
  summarize: (record: StoredRequest, history: StoredRequest[]) => RequestSummary;
}

/**
 * Gets a record's queries ready to leave the hot path: their raw stacks turned into plain frames
 * (the raw ones hold every frame's `this` alive), and their secrets redacted as one record (values
 * bound to secret columns, and the same values wherever else the queries carry them; findings keep
 * the real runs). Returns the secrets, for `scrubRecord` to hide them in the rest of the record.
 *
 * @example
 * const record = scrubRecord({ ...fields, queries: live.queries.slice() }, prepareQueries(live.queries, options));
 */
export function prepareQueries(
  queries: CapturedQuery[], options: ResolvedOptions, redaction: RequestRedaction = createRequestRedaction(),
): string[] {
  for (const query of queries) void query.frames;
  return redactRequestQueries(queries, options.redactQuery, redaction);
}

function publisher(recorder: Recorder, record: StoredRequest) {
  return () => {
    const { events, options } = recorder;
    if (events.size === 0) return;
    // The redirect that led here is found in the history, which a remote store answers later.
    Promise.resolve()
      .then(() => options.store.list())
      .then((history) => events.publish(() => recorder.summarize(record, history)))
      .catch((error) => warnOnce('live', 'could not publish a live update:', error));
  };
}

/** Adds a record to the store and tells the History panels; never throws into the app. */
export function addRecord(recorder: Recorder, record: StoredRequest): void {
  try {
    const added = recorder.options.store.add(record);
    if (added instanceof Promise) added.then(publisher(recorder, record), (error) => warnOnce('store', 'could not store a request:', error));
    else publisher(recorder, record)();
  } catch (error) {
    warnOnce('store', 'could not store a request:', error);
  }
}

/** Replaces a kept record with its final version, when the store can (`update()`). */
export function replaceRecord(recorder: Recorder, record: StoredRequest): boolean {
  const { store } = recorder.options;
  if (!store.update) return false;
  try {
    const updated = store.update(record);
    if (updated instanceof Promise) updated.then(publisher(recorder, record), (error) => warnOnce('store', 'could not update a request:', error));
    else publisher(recorder, record)();
  } catch (error) {
    warnOnce('store', 'could not update a request:', error);
  }
  return true;
}
