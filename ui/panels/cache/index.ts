/** The Cache panel, as registered in ui/app/panels.ts. */
import type { PanelDefinition } from '../../app/panel.js';
import { cacheOf } from './detail.js';
import { CACHE_CSS } from './styles.js';
import { CachePanel } from './CachePanel.js';

export const cachePanel: PanelDefinition = {
  id: 'cache',
  title: 'Cache',
  badge: (detail) => {
    const cache = cacheOf(detail.panels);
    if (!cache || cache.commands.length === 0) return null;
    const text = String(cache.commands.length);
    return cache.findings.length > 0 ? { text, tone: 'warn' } : { text };
  },
  View: CachePanel,
  css: CACHE_CSS,
};
