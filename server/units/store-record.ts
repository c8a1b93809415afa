import type { ResolvedOptions } from '../options.js';
import type { CapturedQuery, StoredRequest } from '../record.js';
import type { LiveEvents } from '../live-events.js';
import { toSummary } from '../request-detail.js';
import { redirectSources } from '../redirects.js';
import { warnOnce } from '../log.js';

/** What storing needs: the options and the live-update stream of one toolbar. */
export interface Recorder {
  options: ResolvedOptions;
  events: LiveEvents;
}

/**
 * Gets a query ready to leave the hot path: its raw stack turned into plain frames (the raw one
 * holds every frame's `this` alive) and secrets bound to secret columns redacted.
 */
export function prepareQuery(query: CapturedQuery, options: ResolvedOptions): void {
  void query.frames;
  options.redactQuery(query);
}

function publisher(recorder: Recorder, record: StoredRequest) {
  return () => {
    const { events, options } = recorder;
    if (events.size === 0) return;
    // The redirect that led here is found in the history, which a remote store answers later.
    Promise.resolve()
      .then(() => options.store.list())
      .then((history) => events.publish(() => toSummary(record, options, redirectSources(history))))
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
