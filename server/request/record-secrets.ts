import type { StoredRequest } from './record.js';
import { scrubSecrets } from '../panels/sql/redact-queries.js';
import { mapStrings } from '../security/redact-value.js';

/*
 * The values a request's queries showed to be secret (a password compared in one query) hidden
 * in the rest of its record: the URL (`?p=…`), the redirect's Location, header values and the
 * error passed to `next(err)`.
 */

/**
 * `record` with `secrets` (as `redactRequestQueries` returns them) hidden outside its queries; the
 * same object when there is nothing to hide.
 *
 * @example
 * const record = scrubRecord(closeRecord(live, req, res, options), redactRequestQueries(live.queries, redactQuery));
 */
export function scrubRecord(record: StoredRequest, secrets: readonly string[]): StoredRequest {
  if (secrets.length === 0) return record;
  const scrub = (text: string) => scrubSecrets(text, secrets);
  const fields = (list: StoredRequest['requestHeaders']) => list?.map((field) => {
    const value = scrub(field.value);
    return value === field.value ? field : { ...field, value };
  });
  return {
    ...record,
    url: scrub(record.url),
    ...(record.location !== undefined ? { location: scrub(record.location) } : {}),
    ...(record.locationTarget !== undefined ? { locationTarget: scrub(record.locationTarget) } : {}),
    ...(record.error ? { error: { ...record.error, message: scrub(record.error.message) } } : {}),
    ...(record.requestHeaders ? { requestHeaders: fields(record.requestHeaders) } : {}),
    ...(record.responseHeaders ? { responseHeaders: fields(record.responseHeaders) } : {}),
    // The panels' parts are plain JSON: every string in them, however deep.
    ...(record.panels ? { panels: mapStrings(record.panels, scrub) as Record<string, unknown> } : {}),
  };
}
