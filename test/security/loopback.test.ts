import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isLoopbackAddress, isLoopbackHost, isLoopbackNode } from '../../server/security/loopback.js';

describe('isLoopbackHost (a Host header, RFC 7230 §5.4)', () => {
  it.each([
    'localhost', 'LocalHost', 'localhost:3000', 'app.localhost', 'a-b.c.localhost:8080', '127.0.0.1', '127.255.255.254:1',
    '[::1]', '[::1]:3000', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]:3000', '[::ffff:7f00:1]', '[::FFFF:7F12:3456]',
    'localhost:65535', 'localhost:0',
  ])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    // Starts like loopback, is not: DNS for these is whatever their owner says.
    '[::1]evil.example', '[::1].evil.example:80', '[::1]:3000.evil.example', '[::1]:3000:80', '[::ffff:127.0.0.1]x',
    'localhost.evil.example', 'evil.localhost.example', '127.0.0.1.nip.io', '127.attacker.example', 'localhost:80@evil.example',
    'user@localhost', 'localhost:3000:80', 'localhost:', 'localhost:99999', 'localhost:03000', 'localhost:+80', 'localhost :80', ' localhost',
    '.localhost', 'evil..localhost', '-a.localhost', 'a-.localhost', 'localhost.', 'a_b.localhost', `${'a'.repeat(64)}.localhost`,
    '127.0.0.1.', '127.0.0.01', '127.0.0.256', '127.1', '0x7f.0.0.1', '2130706433', '0.0.0.0', '128.0.0.1',
    '[::]', '[::2]', '[::127.0.0.1]', '[::ffff:128.0.0.1]', '[::ffff:8000:1]', '[fe80::1%25lo]', '[fe80::1%lo]', '[v1.x]',
    '[::1', '::1]', '::1', '[[::1]]', '', '[]', 'evil.example',
  ])('%j is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('whatever it accepts, a browser (the WHATWG URL parser) reads as the same loopback host', () => {
    // Near misses: loopback hosts with characters inserted, deleted or replaced.
    const base = fc.constantFrom('localhost:3000', 'app.localhost', '127.0.0.1:80', '[::1]:3000', '[::ffff:7f00:1]', '[::ffff:127.0.0.1]');
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 2 }), insert: fc.string({ unit: fc.constantFrom(...'[]:.@%-_ a1f7/#?\\0'), maxLength: 3 }) });
    const host = fc.tuple(base, fc.array(edit, { maxLength: 3 })).map(([text, edits]) => edits.reduce<string>((out, { at, remove, insert }) => {
      const i = at % (out.length + 1);
      return out.slice(0, i) + insert + out.slice(i + remove);
    }, text));
    let accepted = 0;
    fc.assert(fc.property(host, (value) => {
      if (!isLoopbackHost(value)) return;
      accepted++;
      const url = new URL(`http://${value}/`);
      const name = url.hostname;
      expect(name === 'localhost' || name.endsWith('.localhost') || /^127\./.test(name) || name === '[::1]'
        || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name)).toBe(true);
      // Nothing of the header was left out of the host and port the URL parser read (an IPv6
      // literal is re-spelt by it, so only its port is compared as text).
      const port = /:(\d+)$/.exec(value.replace(/^\[[^\]]*\]/, ''))?.[1] ?? '';
      expect(url.port).toBe(port === '80' ? '' : port);
      if (!value.startsWith('[')) expect(url.host).toBe(value.toLowerCase().replace(/:80$/, ''));
    }), { numRuns: 5000 });
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('isLoopbackAddress and isLoopbackNode (sockets, X-Forwarded-For, Forwarded: for=)', () => {
  it.each([
    ['127.0.0.1', true, true], ['127.8.9.10', true, true], ['::1', true, true], ['::ffff:127.0.0.1', true, true],
    ['0:0:0:0:0:0:0:1', true, true], ['127.0.0.1:80', false, true], ['[::1]:4711', false, true], ['[::1]', false, true],
    ['10.0.0.1', false, false], ['::ffff:10.0.0.1', false, false], ['fe80::1', false, false], ['unknown', false, false],
    ['_hidden', false, false], ['localhost', false, false], ['', false, false], ['127.0.0.1:80:90', false, false],
    ['127.0.0.1 ', false, false],
  ])('%j: address %s, node %s', (value, address, node) => {
    expect([isLoopbackAddress(value), isLoopbackNode(value)]).toEqual([address, node]);
  });
});
