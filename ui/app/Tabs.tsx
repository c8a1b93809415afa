/** The tab list: roving focus with arrows/Home/End, per the ARIA tabs pattern. */
import { useRef, type KeyboardEvent } from 'react';
import type { RequestDetail } from '../../server/types.js';
import type { PanelDefinition } from './panel.js';

interface Props {
  panels: readonly PanelDefinition[];
  activeId: string;
  detail: RequestDetail | null;
  onSelect: (id: string) => void;
}

export const tabId = (id: string): string => `edt-tab-${id}`;
export const tabPanelId = (id: string): string => `edt-tabpanel-${id}`;

export function Tabs({ panels, activeId, detail, onSelect }: Props) {
  const list = useRef<HTMLDivElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = panels.findIndex((p) => p.id === activeId);
    const target: Record<string, number> = {
      ArrowRight: (index + 1) % panels.length,
      ArrowLeft: (index - 1 + panels.length) % panels.length,
      Home: 0,
      End: panels.length - 1,
    };
    if (!(event.key in target)) return;
    event.preventDefault();
    const next = panels[target[event.key]];
    onSelect(next.id);
    list.current?.querySelector<HTMLElement>(`#${tabId(next.id)}`)?.focus();
  };

  return (
    <div className="tabs" role="tablist" aria-label="Debug panels" ref={list} onKeyDown={onKeyDown}>
      {panels.map((panel) => {
        const selected = panel.id === activeId;
        const badge = detail ? panel.badge(detail) : null;
        return (
          <button
            key={panel.id}
            type="button"
            role="tab"
            id={tabId(panel.id)}
            aria-selected={selected}
            aria-controls={tabPanelId(panel.id)}
            tabIndex={selected ? 0 : -1}
            className="tab"
            onClick={() => onSelect(panel.id)}
          >
            {panel.title}
            {badge && (
              <span className={badge.tone === 'warn' ? 'tab-badge warn' : 'tab-badge'} aria-hidden="true">
                {badge.text}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
