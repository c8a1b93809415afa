/**
 * The tab registry: adding a panel is one folder under ui/panels/ and one line here.
 */
import { sqlPanel } from '../panels/sql/index.js';
import type { PanelDefinition } from './panel.js';

export const PANELS: readonly PanelDefinition[] = [sqlPanel];
