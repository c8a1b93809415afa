/** A body as `detail.panels.request` serves it: the value, redacted and bounded, or why it was left out. */
export type RecordedBody = { value: unknown } | { omitted: string };

/** `detail.panels.request`: what the app's routing and parsers made of the request, and what it answered. */
export interface RequestData {
  /** The route that answered, as registered with its mount path: `/api/articles/:slug`; null when none matched. */
  route: string | null;
  /** The route's params (`{ slug: 'hello' }`), redacted by name. */
  params: Record<string, unknown>;
  /** The query string's values by name, redacted by name (the same rules as the URL). */
  query: Record<string, string | string[]>;
  /** The parsed body of a JSON or form request (`req.body`), absent when the app parsed none. */
  body?: RecordedBody;
  /** The body of a JSON response sent with `res.json`/`res.send(object)`, absent for other responses. */
  responseBody?: RecordedBody;
  /** The names of the cookies the request sent (never their values). */
  cookies: string[];
  /** The keys of the express-session session, or null when there is no session. */
  session: string[] | null;
}
