/** A highlighted, copyable code block for suggested fixes: SQL or JavaScript, text only. */
import { useMemo } from 'react';
import type { Dialect } from '../../../server/types.js';
import { tokenizeCode } from './code-tokenize.js';
import { CopyButton } from './CopyButton.js';
import { Highlight } from './Highlight.js';

interface Props {
  code: string;
  /** `sql` with a dialect, or `js` for an ORM's API. */
  language: { sql: Dialect } | 'js';
  copyLabel: string;
  announcement: string;
}

export function CodeBlock({ code, language, copyLabel, announcement }: Props) {
  return (
    <div className="code-block">
      <pre className="code">{language === 'js' ? <JsHighlight code={code} /> : <Highlight sql={code} dialect={language.sql} />}</pre>
      <CopyButton text={code} label={copyLabel} announcement={announcement} title="Copy to the clipboard" />
    </div>
  );
}

function JsHighlight({ code }: { code: string }) {
  const tokens = useMemo(() => tokenizeCode(code), [code]);
  return (
    <code className="js">
      {tokens.map((token, i) =>
        token.type === 'plain' ? (
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
