/** The app shell: loads the request, lays out header, tabs and the active panel. */
import { useCallback, useState } from 'react';
import { readActiveTab, writeActiveTab } from '../state/ui-state.js';
import { Announcer } from './announcer.js';
import { Header } from './Header.js';
import { NavigationProvider, useNavigationState } from './navigation.js';
import type { PanelDefinition } from './panel.js';
import { ResizeHandle } from './ResizeHandle.js';
import { tabId, tabPanelId, Tabs } from './Tabs.js';
import { usePanelHeight } from './usePanelHeight.js';
import { useRequestDetail } from './useRequestDetail.js';

export interface AppProps {
  requestId: string;
  mountPath: string;
  panels: readonly PanelDefinition[];
  onClose: () => void;
}

export function App({ requestId, mountPath, panels, onClose }: AppProps) {
  const state = useRequestDetail(mountPath, requestId);
  const { height, setHeight, commitHeight } = usePanelHeight();
  const [activeId, setActiveId] = useState(() => {
    const saved = readActiveTab(panels[0]?.id ?? '');
    return panels.some((p) => p.id === saved) ? saved : (panels[0]?.id ?? '');
  });
  const select = useCallback((id: string) => {
    setActiveId(id);
    writeActiveTab(id);
  }, []);
  const navigation = useNavigationState(select);
  const { clearFocus } = navigation;
  // Choosing a tab by hand drops a highlight or filter another panel asked for.
  const selectByHand = useCallback(
    (id: string) => {
      clearFocus();
      select(id);
    },
    [clearFocus, select],
  );
  const active = panels.find((p) => p.id === activeId);
  const detail = state.status === 'ready' ? state.detail : null;

  return (
    <Announcer>
      <NavigationProvider value={navigation}>
        <section
          className="panel"
          role="region"
          aria-label="Debug toolbar panel"
          style={{ height }}
          onKeyDown={(event) => {
            // Escape closes, unless something inside used it (the filter box clears itself first).
            if (event.key === 'Escape' && !event.defaultPrevented) onClose();
          }}
        >
          <ResizeHandle height={height} onResize={setHeight} onResizeEnd={commitHeight} />
          <Header detail={detail} onClose={onClose} tabs={<Tabs panels={panels} activeId={activeId} detail={detail} onSelect={selectByHand} />} />
          {active && (
            <div className="tabpanel" role="tabpanel" id={tabPanelId(active.id)} aria-labelledby={tabId(active.id)} tabIndex={-1}>
              {state.status === 'loading' && (
                <p className="state" role="status">
                  Loading request…
                </p>
              )}
              {state.status === 'error' && (
                <p className="state error" role="alert">
                  Could not load this request: {state.message}
                </p>
              )}
              {detail && <active.View detail={detail} mountPath={mountPath} />}
            </div>
          )}
        </section>
      </NavigationProvider>
    </Announcer>
  );
}
