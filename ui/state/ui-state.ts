/**
 * The toolbar's persisted UI state, one small function per key so callers cannot misspell one.
 * The launcher uses only `open`; the app uses the active tab and the panel height.
 */
import { isBoolean, isFiniteNumber, isString, readState, writeState } from './storage.js';

export const DEFAULT_PANEL_HEIGHT = 360;
export const MIN_PANEL_HEIGHT = 160;

/** Keeps the panel between a usable minimum and most of the viewport. */
export function clampPanelHeight(height: number, viewportHeight: number): number {
  const max = Math.max(MIN_PANEL_HEIGHT, Math.round(viewportHeight * 0.9));
  return Math.min(max, Math.max(MIN_PANEL_HEIGHT, Math.round(height)));
}

export const readActiveTab = (fallback: string): string => readState('tab', fallback, isString);
export const writeActiveTab = (id: string): void => writeState('tab', id);

export const readPanelHeight = (): number => readState('height', DEFAULT_PANEL_HEIGHT, isFiniteNumber);
export const writePanelHeight = (height: number): void => writeState('height', height);

/** Whether History lists static assets (stylesheets, scripts, images, fonts); hidden by default. */
export const readShowStatic = (): boolean => readState('history-static', false, isBoolean);
export const writeShowStatic = (show: boolean): void => writeState('history-static', show);

/** The module system and test runner "Copy as test" writes for, asked once (null until then). */
export interface StoredTestFormat {
  runner: 'vitest' | 'jest' | 'node:test' | 'mocha';
  module: 'esm' | 'cjs';
}
const isTestFormat = (v: unknown): v is StoredTestFormat | null => v === null || (typeof v === 'object'
  && ['vitest', 'jest', 'node:test', 'mocha'].includes((v as StoredTestFormat).runner) && ['esm', 'cjs'].includes((v as StoredTestFormat).module));
export const readTestFormat = (): StoredTestFormat | null => readState<StoredTestFormat | null>('test-format', null, isTestFormat);
export const writeTestFormat = (format: StoredTestFormat): void => writeState('test-format', format);
