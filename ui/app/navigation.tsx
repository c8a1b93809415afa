/**
 * Cross-panel navigation: another panel (timeline, templates) or a finding asks the SQL tab to
 * show one query (scrolled to and highlighted) or only some queries (the table filtered to them).
 * The App owns the state, so the request survives the tab switch.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/** What the SQL tab should show; `key` changes on every request so the same one can be repeated. */
export type QueryFocus =
  | { kind: 'query'; id: number; key: number }
  | { kind: 'only'; ids: readonly number[]; label: string; key: number };

export interface Navigation {
  focus: QueryFocus | null;
  /** Switches to the SQL tab, scrolls to query `id` and highlights it. */
  showQuery: (id: number) => void;
  /** Switches to the SQL tab with the table filtered to `ids`; `label` says why ("N+1 ×3"). */
  showQueries: (ids: readonly number[], label: string) => void;
  clearFocus: () => void;
}

const NavigationContext = createContext<Navigation | null>(null);

/** The panel id the navigation opens. */
export const SQL_PANEL_ID = 'sql';

let nextKey = 1;

/** The navigation state; `openPanel` switches tabs (absent when the SQL panel is rendered alone). */
export function useNavigationState(openPanel?: (id: string) => void): Navigation {
  const [focus, setFocus] = useState<QueryFocus | null>(null);
  const showQuery = useCallback(
    (id: number) => {
      setFocus({ kind: 'query', id, key: nextKey++ });
      openPanel?.(SQL_PANEL_ID);
    },
    [openPanel],
  );
  const showQueries = useCallback(
    (ids: readonly number[], label: string) => {
      setFocus({ kind: 'only', ids, label, key: nextKey++ });
      openPanel?.(SQL_PANEL_ID);
    },
    [openPanel],
  );
  const clearFocus = useCallback(() => setFocus(null), []);
  return useMemo(() => ({ focus, showQuery, showQueries, clearFocus }), [focus, showQuery, showQueries, clearFocus]);
}

export function NavigationProvider({ value, children }: { value: Navigation; children: ReactNode }) {
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

const NOWHERE: Navigation = { focus: null, showQuery: () => {}, showQueries: () => {}, clearFocus: () => {} };

/** The app's navigation (a no-op outside the app and outside {@link EnsureNavigation}). */
export const useNavigation = (): Navigation => useContext(NavigationContext) ?? NOWHERE;

/**
 * Gives a panel rendered on its own (tests, stories) a navigation of its own, so its findings
 * still filter and highlight its table; inside the app, the app's is used.
 */
export function EnsureNavigation({ children }: { children: ReactNode }) {
  const shared = useContext(NavigationContext);
  const local = useNavigationState();
  return <NavigationContext.Provider value={shared ?? local}>{children}</NavigationContext.Provider>;
}
