import { describe, expect, it } from 'vitest';
import { parseForwarded } from '../../server/security/forwarded-header.js';

describe('parseForwarded (RFC 7239)', () => {
  it.each<[string, Record<string, string>[]]>([
    ['for=192.0.2.60;proto=http;by=203.0.113.43', [{ for: '192.0.2.60', proto: 'http', by: '203.0.113.43' }]],
    ['for="_gazonk"', [{ for: '_gazonk' }]],
    ['For="[2001:db8:cafe::17]:4711"', [{ for: '[2001:db8:cafe::17]:4711' }]],
    ['for=192.0.2.43, for=198.51.100.17', [{ for: '192.0.2.43' }, { for: '198.51.100.17' }]],
    // Whitespace proxies put where the RFC has none.
    ['for = 1.2.3.4', [{ for: '1.2.3.4' }]],
    [' for=127.0.0.1 ; host = evil.example ,for=::1 ', [{ for: '127.0.0.1', host: 'evil.example' }, { for: '::1' }]],
    // Unquoted values with `:` and `[`, as proxies write them.
    ['host=localhost:3000;for=[::1]:80', [{ host: 'localhost:3000', for: '[::1]:80' }]],
    ['for="\\"q\\\\"', [{ for: '"q\\' }]],
    ['for="";host=x', [{ for: '', host: 'x' }]],
    ['a=1;;b=2,,c=3', [{ a: '1', b: '2' }, { c: '3' }]],
    ['', []],
  ])('%j', (header, expected) => {
    expect(parseForwarded(header)?.map((element) => ({ ...element }))).toEqual(expected);
  });

  it.each([
    'for="127.0.0.1', 'for="a\\', 'for', 'for=', '=1.2.3.4', 'for=127.0.0.1 1.2.3.4', 'for=1;for=2', 'for=a"b"',
    'for=1 host=2', 'f@r=1', 'for=\u0000',
  ])('%j does not parse', (header) => {
    expect(parseForwarded(header)).toBeNull();
  });

  it('a parameter named __proto__ is a parameter, not a prototype', () => {
    const [element] = parseForwarded('__proto__=x;for=1.2.3.4') ?? [];
    expect(element.for).toBe('1.2.3.4');
    expect(element.__proto__).toBe('x');
  });
});
