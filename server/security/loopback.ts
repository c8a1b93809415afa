import { isIPv6 } from 'node:net';

/*
 * What counts as "this machine" in an address or a Host header, read strictly: a value is
 * loopback only when all of it is, so `[::1]evil.example`, `127.0.0.1.nip.io` or
 * `localhost:80@evil.example` (names whose DNS their owner controls) never pass. Pure, for tables
 * of cases.
 */

/** `127.0.0.0/8` in dotted decimal, four octets, no leading zeros (`127.0.0.01` is another name to some parsers). */
function isLoopbackIPv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets[0] === '127'
    && octets.every((octet) => /^(?:0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255);
}

/** The eight 16-bit groups of an IPv6 address without a zone id, or null. */
function ipv6Groups(text: string): number[] | null {
  if (text.includes('%') || !isIPv6(text)) return null;
  let head = text;
  const tail: number[] = [];
  // `::ffff:127.0.0.1`: the last 32 bits written as IPv4.
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    head = text.slice(0, text.length - dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.split('::');
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const missing = 8 - tail.length - leftGroups.length - rightGroups.length;
  if (right === undefined ? missing !== 0 : missing < 1) return null;
  return [...leftGroups, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightGroups]
    .map((group) => parseInt(group, 16)).concat(tail);
}

/** `::1` in any spelling, or an IPv4-mapped loopback (`::ffff:127.0.0.1`, `::ffff:7f00:1`). */
function isLoopbackIPv6(text: string): boolean {
  const groups = ipv6Groups(text);
  if (!groups) return false;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 7) && groups[7] === 1) return true;
  return zeros(0, 5) && groups[5] === 0xffff && groups[6] >> 8 === 127;
}

/**
 * A loopback IP literal, exactly: `127.x.y.z`, `::1`, `::ffff:127.x.y.z` (as a socket's
 * `remoteAddress` or an `X-Forwarded-For` entry reads).
 *
 * @example
 * isLoopbackAddress('::ffff:127.0.0.1') // true
 * isLoopbackAddress('127.0.0.1.nip.io') // false
 */
export function isLoopbackAddress(address: string): boolean {
  return isLoopbackIPv4(address) || isLoopbackIPv6(address);
}

/** `localhost` and names under it (RFC 6761: they never leave the machine), with valid labels only. */
function isLocalhostName(name: string): boolean {
  return name.length <= 253 && /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*localhost$/.test(name);
}

/** `host` and `port` of `host[:port]` (RFC 7230 §5.4), the host lower-cased; null when that is not its syntax. */
function splitHostPort(value: string): { host: string; port?: string } | null {
  // The port as a browser writes it: no leading zeros, at most 65535.
  const match = /^(\[[^[\]]*\]|[^[\]:]+)(?::(0|[1-9]\d{0,4}))?$/.exec(value);
  if (!match || (match[2] !== undefined && Number(match[2]) > 65535)) return null;
  return { host: match[1].toLowerCase(), port: match[2] };
}

/**
 * A `Host` (or `X-Forwarded-Host`, or `Forwarded: host=`) that names this machine: `localhost`,
 * `app.localhost`, `127.0.0.1`, `[::1]`, `[::ffff:7f00:1]`, each with an optional port. Anything
 * else is refused, even when it starts like one: `[::1]evil.example`, `127.attacker.example`,
 * `localhost.evil.example`, `localhost:80@evil.example`.
 *
 * @example
 * isLoopbackHost('[::1]:3000')        // true
 * isLoopbackHost('[::1].evil.example') // false
 */
export function isLoopbackHost(value: string): boolean {
  const parts = splitHostPort(value);
  if (!parts) return false;
  const { host } = parts;
  if (host.startsWith('[')) return isLoopbackIPv6(host.slice(1, -1));
  return isLocalhostName(host) || isLoopbackIPv4(host);
}

/**
 * A node a proxy says it forwarded for (RFC 7239 §6, and the `X-Forwarded-For` entries some
 * proxies write with a port): a loopback address, optionally with a port (`"[::1]:4711"`,
 * `127.0.0.1:80`). `unknown` and obfuscated names (`_hidden`) are not: nobody can say they are local.
 *
 * @example
 * isLoopbackNode('[::1]:4711') // true
 * isLoopbackNode('unknown')    // false
 */
export function isLoopbackNode(value: string): boolean {
  if (isLoopbackAddress(value)) return true;
  const parts = splitHostPort(value);
  if (!parts) return false;
  return parts.host.startsWith('[') ? isLoopbackIPv6(parts.host.slice(1, -1)) : isLoopbackIPv4(parts.host);
}
