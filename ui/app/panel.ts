/** The UI side of a panel: one folder under ui/panels/ exports one of these. */
import type { ComponentType } from 'react';
import type { RequestDetail } from '../../server/types.js';

export interface PanelBadge {
  text: string;
  /** `warn` draws attention: duplicates, N+1, too many queries. */
  tone?: 'warn';
}

export interface PanelViewProps {
  detail: RequestDetail;
  mountPath: string;
}

export interface PanelDefinition {
  /** Same id as the server-side panel: `sql`, later `timeline`, `templates`. */
  id: string;
  title: string;
  /** The small count beside the tab title; null for none. */
  badge: (detail: RequestDetail) => PanelBadge | null;
  View: ComponentType<PanelViewProps>;
  /** The panel's CSS, added to the shadow root with the app's. */
  css?: string;
}
