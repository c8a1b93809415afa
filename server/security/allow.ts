import type { IncomingMessage } from 'node:http';
import { parseForwarded } from './forwarded-header.js';
import { isLoopbackAddress, isLoopbackHost, isLoopbackNode } from './loopback.js';
import { memoizeBounded } from './bounded-memo.js';

// Every request asks about the same few addresses and hosts: the answers are kept (bounded).
const ANSWERS_KEPT = 256;
const loopbackAddress = memoizeBounded(isLoopbackAddress, ANSWERS_KEPT);
const loopbackHost = memoizeBounded(isLoopbackHost, ANSWERS_KEPT);
const loopbackNode = memoizeBounded(isLoopbackNode, ANSWERS_KEPT);

const NO_VALUES: readonly string[] = [];

/** A header's values: Node joins repeated headers with `, ` for most names, and gives arrays for a few. */
function headerValues(req: IncomingMessage, name: string): readonly string[] {
  const value = req.headers?.[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : NO_VALUES;
}

/** The comma-separated entries of a list header (`X-Forwarded-For`, `X-Forwarded-Host`, `X-Real-IP`), trimmed. */
function listEntries(req: IncomingMessage, name: string): readonly string[] {
  const values = headerValues(req, name);
  // Most requests have none of these headers: no arrays built for them.
  if (values.length === 0) return values;
  return values.flatMap((value) => value.split(',')).map((entry) => entry.trim());
}

/** How many `Host` lines the request had: Node keeps the first, a proxy in front may have used another. */
function hostLineCount(req: IncomingMessage): number {
  const raw = Array.isArray(req.rawHeaders) ? req.rawHeaders : NO_VALUES;
  let count = 0;
  // Only four-letter names are lower-cased: the others cannot be `Host`.
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') count++;
  return count;
}

/**
 * Whether every forwarding header says "this machine, to this machine": each address forwarded
 * for (`X-Forwarded-For`, `X-Real-IP`, `Forwarded: for=`) is loopback, each forwarded host
 * (`X-Forwarded-Host`, `Forwarded: host=`) is a loopback host, and `Forwarded` parses (RFC 7239).
 */
function forwardingIsLocal(req: IncomingMessage): boolean {
  for (const name of ['x-forwarded-for', 'x-real-ip']) {
    if (!listEntries(req, name).every((entry) => entry === '' || loopbackNode(entry))) return false;
  }
  if (!listEntries(req, 'x-forwarded-host').every(loopbackHost)) return false;
  for (const value of headerValues(req, 'forwarded')) {
    const elements = parseForwarded(value);
    if (!elements) return false;
    for (const element of elements) {
      if (element.for !== undefined && !loopbackNode(element.for)) return false;
      if (element.host !== undefined && !loopbackHost(element.host)) return false;
    }
  }
  return true;
}

/**
 * The client address Express computes when the app's own `trust proxy` setting trusts someone
 * (`req.ip`, from proxy-addr and `app.get('trust proxy fn')`); undefined outside Express or when
 * nothing is trusted, where the socket's address is the client's.
 */
function trustedClientAddress(req: IncomingMessage): string | undefined {
  const express = req as IncomingMessage & { app?: { get?: (name: string) => unknown }; ip?: unknown };
  const app = express.app;
  if (!app || typeof app.get !== 'function' || !app.get('trust proxy')) return undefined;
  return typeof express.ip === 'string' ? express.ip : '';
}

/**
 * The default `allow`: a request from this machine, to this machine.
 * - Its socket comes from a loopback address (127.0.0.0/8, ::1).
 * - Its one `Host` names loopback too, exactly (RFC 7230: `localhost`, `*.localhost`, a loopback
 *   literal, with an optional port), so a page on another origin that rebinds its DNS name to
 *   127.0.0.1 cannot read the toolbar (DNS rebinding), nor can `[::1]evil.example`.
 * - When a proxy on this machine forwarded it, every address it forwarded for (`X-Forwarded-For`,
 *   `X-Real-IP`, `Forwarded: for=`) is loopback too, and so is every forwarded host
 *   (`X-Forwarded-Host`, `Forwarded: host=`); a `Forwarded` header that does not parse refuses.
 *   Behind nginx or a tunnel every request comes from 127.0.0.1, and those are other people.
 * - When the app sets `trust proxy`, the client address Express computes (`req.ip`) is loopback.
 * Forwarding headers can only refuse, never grant: a request whose socket is not loopback is
 * refused whatever they say.
 *
 * @example
 * app.use(debugToolbar({ allow: (req) => isLoopbackRequest(req) || isMyVpn(req) }));
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  if (!loopbackAddress(req.socket?.remoteAddress ?? '')) return false;
  const host = req.headers?.host;
  if (host !== undefined && !loopbackHost(host)) return false;
  if (hostLineCount(req) > 1) return false;
  if (!forwardingIsLocal(req)) return false;
  const client = trustedClientAddress(req);
  return client === undefined || loopbackAddress(client);
}
