import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_COLUMNS, DEFAULT_REDACT_NAMES, DEFAULT_REDACT_PATH_AFTER, debugToolbar } from '../../server/index.js';

describe('the public API exports the default secret names', () => {
  it('so redactNames can extend them, as the README shows', () => {
    expect(DEFAULT_REDACT_NAMES).toContain('password');
    expect(() => debugToolbar({ enabled: true, redactNames: [...DEFAULT_REDACT_NAMES, 'ssn', /^card_/] })).not.toThrow();
  });

  it('and the default secret column names, for redactColumns', () => {
    expect(DEFAULT_REDACT_COLUMNS).toContain('password');
    expect(DEFAULT_REDACT_COLUMNS).not.toContain('key');
    expect(() => debugToolbar({ enabled: true, redactColumns: [...DEFAULT_REDACT_COLUMNS, 'ssn'] })).not.toThrow();
  });

  it('and the default path words, for redactPathSegments', () => {
    expect(DEFAULT_REDACT_PATH_AFTER).toContain('reset');
    expect(() => debugToolbar({ enabled: true, redactPathSegments: { after: [...DEFAULT_REDACT_PATH_AFTER, 'download'] } })).not.toThrow();
  });
});
