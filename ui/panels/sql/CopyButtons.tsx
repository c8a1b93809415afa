/** The two copy buttons of a row: the SQL as run, and the SQL with its params inlined. */
import { useEffect, useRef, useState } from 'react';
import type { QueryRecord } from '../../../server/types.js';
import { useAnnounce } from '../../app/announcer.js';
import { copyText } from './clipboard.js';
import { inlineParams } from './inline-params.js';

type Copied = 'sql' | 'params' | 'failed' | null;

export function CopyButtons({ query }: { query: QueryRecord }) {
  const announce = useAnnounce();
  const [copied, setCopied] = useState<Copied>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async (kind: 'sql' | 'params') => {
    const text = kind === 'sql' ? query.sql : inlineParams(query.sql, query.params, query.db.dialect);
    const ok = await copyText(text);
    setCopied(ok ? kind : 'failed');
    announce(ok ? (kind === 'sql' ? `Copied query ${query.id}` : `Copied query ${query.id} with params`) : 'Copy failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(null), 1500);
  };

  // The visible text changes; the accessible name stays, and the live region says what happened.
  const label = (kind: 'sql' | 'params', idle: string) => (copied === kind ? 'Copied ✓' : idle);

  return (
    <div className="copy-buttons">
      <button type="button" className="small-button" aria-label="Copy SQL" title="Copy the SQL as run" onClick={() => void copy('sql')}>
        {label('sql', 'SQL')}
      </button>
      <button
        type="button"
        className="small-button"
        aria-label="Copy SQL with params"
        title="Copy the SQL with its parameters inlined"
        onClick={() => void copy('params')}
      >
        {label('params', '+ params')}
      </button>
    </div>
  );
}
