import type { AnyServerPanel } from './panel.js';
import { sqlPanel, type Instrumentable } from './sql/index.js';
import type { OrmInstrumentable } from './sql/orm/index.js';
import { timelinePanel } from './timeline/index.js';
import { templatesPanel, type TemplateInstrumentable } from './templates/index.js';
import { logsPanel, type LogsInstrumentable } from './logs/index.js';
import { requestPanel } from './request/index.js';
import { cachePanel, type CacheInstrumentable } from './cache/index.js';

/** The `instrument` keys the panels take, for the option's type. */
export type PanelInstrumentable = Instrumentable & OrmInstrumentable & TemplateInstrumentable & LogsInstrumentable & CacheInstrumentable;

/**
 * The panels on the contract of panel.ts, in tab order. Adding a panel is one folder under
 * server/panels/ and one line here (and the same on the UI side, ui/app/panels.ts). The Timeline
 * comes before the Templates, which record on its spans.
 */
export const PANELS: readonly AnyServerPanel[] = [
  sqlPanel,
  timelinePanel,
  templatesPanel,
  logsPanel,
  cachePanel,
  requestPanel,
];
