/** The panel's height: persisted, clamped to the viewport, saved when a change ends. */
import { useCallback, useState } from 'react';
import { clampPanelHeight, readPanelHeight, writePanelHeight } from '../state/ui-state.js';

const viewport = (): number => (typeof window === 'undefined' ? 800 : window.innerHeight);

export function usePanelHeight(): {
  height: number;
  setHeight: (height: number) => void;
  commitHeight: (height: number) => void;
} {
  const [height, setRaw] = useState(() => clampPanelHeight(readPanelHeight(), viewport()));
  const setHeight = useCallback((next: number) => setRaw(clampPanelHeight(next, viewport())), []);
  const commitHeight = useCallback((next: number) => {
    const clamped = clampPanelHeight(next, viewport());
    setRaw(clamped);
    writePanelHeight(clamped);
  }, []);
  return { height, setHeight, commitHeight };
}
