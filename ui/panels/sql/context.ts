/** What every SQL row needs to know about its request: groups, and the slowest query for the bars. */
import { createContext, useContext } from 'react';

export interface SqlRowContext {
  /** query id → size of its duplicate group */
  duplicates: ReadonlyMap<number, number>;
  /** query id → size of its N+1 group */
  nPlusOne: ReadonlyMap<number, number>;
  /** The longest duration in the request, for the relative duration bars. */
  maxDurationMs: number;
}

export const SqlRowContext = createContext<SqlRowContext>({ duplicates: new Map(), nPlusOne: new Map(), maxDurationMs: 0 });

export const useSqlRowContext = (): SqlRowContext => useContext(SqlRowContext);
