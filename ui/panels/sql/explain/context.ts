/** Which query's plan is open, shared by the row's Explain button and the table that shows the plan. */
import { createContext, useContext } from 'react';

export interface ExplainContext {
  openId: number | null;
  toggle: (queryId: number) => void;
  /** Closes the plan and gives focus back to its Explain button. */
  close: () => void;
  requestId: string;
  mountPath: string;
}

export const ExplainContext = createContext<ExplainContext>({
  openId: null,
  toggle: () => {},
  close: () => {},
  requestId: '',
  mountPath: '',
});

export const useExplainContext = (): ExplainContext => useContext(ExplainContext);

export const explainButtonLabel = (queryId: number): string => `Explain query ${queryId}`;
export const explainViewId = (queryId: number): string => `edt-explain-${queryId}`;
