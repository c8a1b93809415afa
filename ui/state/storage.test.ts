// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBoolean, isFiniteNumber, readState, STORAGE_PREFIX, writeState } from './storage.js';
import { clampPanelHeight, DEFAULT_PANEL_HEIGHT, MIN_PANEL_HEIGHT, readActiveTab, readPanelHeight, writeActiveTab, writePanelHeight } from './ui-state.js';

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('readState / writeState', () => {
  it('round-trips JSON under the prefixed key', () => {
    writeState('open', true);
    expect(localStorage.getItem('express-debug-toolbar:open')).toBe('true');
    expect(readState('open', false, isBoolean)).toBe(true);
  });

  const fallbacks: Array<[string, string | null]> = [
    ['missing', null],
    ['not JSON', '{oops'],
    ['wrong type', '"yes"'],
  ];
  it.each(fallbacks)('falls back when the stored value is %s', (_name, raw) => {
    if (raw !== null) localStorage.setItem(`${STORAGE_PREFIX}open`, raw);
    expect(readState('open', false, isBoolean)).toBe(false);
  });

  it('falls back when localStorage throws on read', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('SecurityError');
    });
    expect(readState('height', 123, isFiniteNumber)).toBe(123);
  });

  it('swallows errors when localStorage throws on write', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    expect(() => writeState('open', true)).not.toThrow();
  });
});

describe('ui-state', () => {
  it('persists the active tab and the panel height', () => {
    expect(readActiveTab('sql')).toBe('sql');
    expect(readPanelHeight()).toBe(DEFAULT_PANEL_HEIGHT);
    writeActiveTab('timeline');
    writePanelHeight(420);
    expect(readActiveTab('sql')).toBe('timeline');
    expect(readPanelHeight()).toBe(420);
  });

  it('rejects a stored height that is not a finite number', () => {
    localStorage.setItem(`${STORAGE_PREFIX}height`, '"tall"');
    expect(readPanelHeight()).toBe(DEFAULT_PANEL_HEIGHT);
  });

  const clamps: Array<[number, number, number]> = [
    [300, 1000, 300],
    [10, 1000, MIN_PANEL_HEIGHT],
    [5000, 1000, 900],
    [300, 100, MIN_PANEL_HEIGHT],
    [250.6, 1000, 251],
  ];
  it.each(clamps)('clampPanelHeight(%d, viewport %d) → %d', (height, viewport, expected) => {
    expect(clampPanelHeight(height, viewport)).toBe(expected);
  });
});
