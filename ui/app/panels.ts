/**
 * The tab registry: adding a panel is one folder under ui/panels/ and one line here.
 */
import { cachePanel } from '../panels/cache/index.js';
import { historyPanel } from '../panels/history/index.js';
import { logsPanel } from '../panels/logs/index.js';
import { requestPanel } from '../panels/request/index.js';
import { sqlPanel } from '../panels/sql/index.js';
import { templatesPanel } from '../panels/templates/index.js';
import { timelinePanel } from '../panels/timeline/index.js';
import type { PanelDefinition } from './panel.js';

export const PANELS: readonly PanelDefinition[] = [sqlPanel, timelinePanel, templatesPanel, logsPanel, cachePanel, requestPanel, historyPanel];
