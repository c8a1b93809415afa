/** What every SQL row needs to know about its request: which groups each query belongs to. */
import { createContext, useContext } from 'react';

export interface SqlGroupsInfo {
  /** query id → size of its duplicate group */
  duplicates: ReadonlyMap<number, number>;
  /** query id → size of its N+1 group */
  nPlusOne: ReadonlyMap<number, number>;
}

export const SqlGroupsContext = createContext<SqlGroupsInfo>({ duplicates: new Map(), nPlusOne: new Map() });

export const useSqlGroups = (): SqlGroupsInfo => useContext(SqlGroupsContext);
