import type { IncomingMessage } from 'node:http';

/** A loopback IP literal, exactly: `127.x.y.z`, `::1`, `::ffff:127.x.y.z`. */
const LOOPBACK_IP = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/i;

const isLoopbackAddress = (address: string) => LOOPBACK_IP.test(address);

/**
 * `localhost`, `app.localhost`, `127.0.0.1`, `[::1]`, with or without a port. Never a name that
 * merely starts like a loopback address (`127.attacker.example`): its DNS can point anywhere.
 */
function isLoopbackHost(host: string): boolean {
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  const name = hostname.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/** Addresses a proxy says it forwarded for: `X-Forwarded-For`, `X-Real-IP` and `Forwarded: for=…`. */
function forwardedAddresses(req: IncomingMessage): string[] {
  const addresses: string[] = [];
  const xff = req.headers?.['x-forwarded-for'];
  for (const value of Array.isArray(xff) ? xff : xff ? [xff] : []) {
    addresses.push(...value.split(',').map((part) => part.trim()).filter(Boolean));
  }
  const realIp = req.headers?.['x-real-ip'];
  if (typeof realIp === 'string' && realIp.trim()) addresses.push(realIp.trim());
  const forwarded = req.headers?.forwarded;
  if (forwarded) {
    for (const match of forwarded.matchAll(/for="?\[?([^\]";,]+)/gi)) addresses.push(match[1]);
  }
  return addresses;
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
 * - Its `Host` names loopback too, so a page on another origin that rebinds its DNS name to
 *   127.0.0.1 cannot read the toolbar (DNS rebinding).
 * - When a proxy on this machine forwarded it, every address it forwarded for (`X-Forwarded-For`,
 *   `X-Real-IP`, `Forwarded`) is loopback too, and so is `X-Forwarded-Host`: behind nginx or a
 *   tunnel every request comes from 127.0.0.1, and those are other people.
 * - When the app sets `trust proxy`, the client address Express computes (`req.ip`) is loopback.
 * Forwarding headers can only refuse, never grant: a request whose socket is not loopback is
 * refused whatever they say.
 *
 * @example
 * app.use(debugToolbar({ allow: (req) => isLoopbackRequest(req) || isMyVpn(req) }));
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  if (!isLoopbackAddress(req.socket?.remoteAddress ?? '')) return false;
  const host = req.headers?.host;
  if (host !== undefined && !isLoopbackHost(host)) return false;
  const forwardedHost = req.headers?.['x-forwarded-host'];
  if (typeof forwardedHost === 'string' && !forwardedHost.split(',').every((one) => isLoopbackHost(one.trim()))) return false;
  if (!forwardedAddresses(req).every(isLoopbackAddress)) return false;
  const client = trustedClientAddress(req);
  return client === undefined || isLoopbackAddress(client);
}
