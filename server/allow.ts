import type { IncomingMessage } from 'node:http';

const isLoopbackAddress = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/** `localhost`, `app.localhost`, `127.0.0.1`, `[::1]`, with or without a port. */
function isLoopbackHost(host: string): boolean {
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  const name = hostname.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/** Addresses a proxy says it forwarded for: `X-Forwarded-For` and `Forwarded: for=…`. */
function forwardedAddresses(req: IncomingMessage): string[] {
  const addresses: string[] = [];
  const xff = req.headers?.['x-forwarded-for'];
  for (const value of Array.isArray(xff) ? xff : xff ? [xff] : []) {
    addresses.push(...value.split(',').map((part) => part.trim()).filter(Boolean));
  }
  const forwarded = req.headers?.forwarded;
  if (forwarded) {
    for (const match of forwarded.matchAll(/for="?\[?([^\]";,]+)/gi)) addresses.push(match[1]);
  }
  return addresses;
}

/**
 * The default `allow`: a request from this machine, to this machine.
 * - Its socket comes from a loopback address (127.0.0.0/8, ::1).
 * - Its `Host` names loopback too, so a page on another origin that rebinds its DNS name to
 *   127.0.0.1 cannot read the toolbar (DNS rebinding).
 * - When a proxy on this machine forwarded it, every address it forwarded for is loopback too:
 *   behind nginx or a tunnel every request comes from 127.0.0.1, and those are other people.
 *
 * @example
 * app.use(debugToolbar({ allow: (req) => isLoopbackRequest(req) || isMyVpn(req) }));
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  if (!isLoopbackAddress(req.socket?.remoteAddress ?? '')) return false;
  const host = req.headers?.host;
  if (host !== undefined && !isLoopbackHost(host)) return false;
  return forwardedAddresses(req).every(isLoopbackAddress);
}
