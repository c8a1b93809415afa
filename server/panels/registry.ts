import type { AnyServerPanel } from './panel.js';
import { logsPanel, type LogsInstrumentable } from './logs/index.js';
import { requestPanel } from './request/index.js';
import { cachePanel, type CacheInstrumentable } from './cache/index.js';

/** The `instrument` keys the panels take, for the option's type. */
export type PanelInstrumentable = LogsInstrumentable & CacheInstrumentable;

/**
 * The panels on the contract of panel.ts, in tab order. Adding a panel is one folder under
 * server/panels/ and one line here (and the same on the UI side, ui/app/panels.ts).
 */
export const PANELS: readonly AnyServerPanel[] = [
  logsPanel,
  cachePanel,
  requestPanel,
];
