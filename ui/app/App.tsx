/** The app shell: loads the request, lays out header, tabs and the active panel. */
import { useCallback, useMemo, useState } from 'react';
import { readActiveTab, writeActiveTab } from '../state/ui-state.js';
import { Announcer } from './announcer.js';
import { useHashSelection } from './hash-selection.js';
import { Header } from './Header.js';
import { NavigationProvider, useNavigationState } from './navigation.js';
import type { PanelDefinition } from './panel.js';
import { RequestNotices } from './RequestNotices.js';
import { ResizeHandle } from './ResizeHandle.js';
import { SelectionContext, type RequestSelection } from './selection.js';
import { SelectionBanner } from './SelectionBanner.js';
import { tabId, tabPanelId, Tabs } from './Tabs.js';
import { usePanelHeight } from './usePanelHeight.js';
import { useRequestDetail } from './useRequestDetail.js';

export interface AppProps {
  requestId: string;
  mountPath: string;
  panels: readonly PanelDefinition[];
  /** Closes the panel (the launcher's); without it there is no close button (the standalone page). */
  onClose?: () => void;
  /** A request to show first instead of the page's own (the standalone page's `#/requests/<id>`). */
  initialSelectedId?: string;
  /** The tab to open first, over the remembered one (the standalone page opens History). */
  initialTab?: string;
  /**
   * The standalone page (`{mountPath}/`): the whole viewport, no resize handle, no "not this
   * page" banner, because that page has no request of its own, and the address's hash follows
   * the request shown (`#/requests/<id>`).
   */
  fullPage?: boolean;
}

export function App({ requestId, mountPath, panels, onClose, initialSelectedId, initialTab, fullPage = false }: AppProps) {
  const [selectedId, setSelectedId] = useState(initialSelectedId ?? requestId);
  const selection = useMemo<RequestSelection>(
    () => ({ pageId: requestId, selectedId, select: setSelectedId, back: () => setSelectedId(requestId) }),
    [requestId, selectedId],
  );
  useHashSelection(fullPage, selectedId, setSelectedId);
  const state = useRequestDetail(mountPath, selectedId);
  const { height, setHeight, commitHeight } = usePanelHeight();
  const [activeId, setActiveId] = useState(() => {
    const saved = initialTab ?? readActiveTab(panels[0]?.id ?? '');
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
      <SelectionContext.Provider value={selection}>
      <NavigationProvider value={navigation}>
        <section
          className="panel"
          role="region"
          aria-label="Debug toolbar panel"
          // --panel-height: panels size parts of themselves by it (SQL findings take at most a third).
          style={{ height: fullPage ? '100vh' : height, ['--panel-height' as string]: fullPage ? '100vh' : `${height}px` }}
          onKeyDown={(event) => {
            // Escape closes, unless something inside used it (the filter box clears itself first).
            if (event.key === 'Escape' && !event.defaultPrevented) onClose?.();
          }}
        >
          {!fullPage && <ResizeHandle height={height} onResize={setHeight} onResizeEnd={commitHeight} />}
          <Header detail={detail} onClose={onClose} tabs={<Tabs panels={panels} activeId={activeId} detail={detail} onSelect={selectByHand} />} />
          {!fullPage && selectedId !== requestId && <SelectionBanner detail={detail} selectedId={selectedId} onBack={selection.back} />}
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
              {detail && (
                <RequestNotices
                  detail={detail}
                  mountPath={mountPath}
                  showError={active.id === 'sql' || active.id === 'history'}
                  onSelect={setSelectedId}
                />
              )}
              {detail && <active.View detail={detail} mountPath={mountPath} />}
            </div>
          )}
        </section>
      </NavigationProvider>
      </SelectionContext.Provider>
    </Announcer>
  );
}
