/** Syntax-highlighted SQL as React spans: text only, never HTML. */
import { useMemo } from 'react';
import type { Dialect } from '../../../server/types.js';
import { tokenize } from './tokenize.js';

export function Highlight({ sql, dialect }: { sql: string; dialect: Dialect }) {
  const tokens = useMemo(() => tokenize(sql, dialect), [sql, dialect]);
  return (
    <code className="sql">
      {tokens.map((token, i) =>
        token.type === 'whitespace' || token.type === 'punctuation' ? (
          token.text
        ) : (
          <span key={i} className={`tok-${token.type}`}>
            {token.text}
          </span>
        ),
      )}
    </code>
  );
}
