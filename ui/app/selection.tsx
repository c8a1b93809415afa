/**
 * Which request the panels show: the page's own by default, another one picked in History.
 * The App owns the state so every tab follows the choice.
 */
import { createContext, useContext } from 'react';

export interface RequestSelection {
  /** The request that rendered this page (null on the standalone page, which has none). */
  pageId: string | null;
  /** The request every panel shows. */
  selectedId: string | null;
  select: (id: string) => void;
  /** Back to the page's own request. */
  back: () => void;
}

const NONE: RequestSelection = { pageId: null, selectedId: null, select: () => {}, back: () => {} };

export const SelectionContext = createContext<RequestSelection>(NONE);

export const useSelection = (): RequestSelection => useContext(SelectionContext);
