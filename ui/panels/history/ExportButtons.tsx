/** "Download JSON" and "Copy as test" for the request the panels show. */
import { useEffect, useId, useRef, useState } from 'react';
import type { RequestDetail } from '../../../server/types.js';
import { useAnnounce } from '../../app/announcer.js';
import { readTestFormat, writeTestFormat } from '../../state/ui-state.js';
import { copyText } from '../sql/clipboard.js';
import { downloadJson } from './export.js';
import { TEST_RUNNERS, testSnippet, type TestFormat, type TestRunner } from './test-snippet.js';

export function ExportButtons({ detail, mountPath }: { detail: RequestDetail; mountPath: string }) {
  const announce = useAnnounce();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  // Asked once, then remembered: the app's module system and test runner do not change per request.
  const [format, setFormat] = useState<TestFormat | null>(() => readTestFormat());
  const [asking, setAsking] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async (as: TestFormat) => {
    const ok = await copyText(testSnippet(detail, mountPath, as));
    setCopied(ok ? 'copied' : 'failed');
    announce(ok ? 'Test copied' : 'Copy failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied('idle'), 1500);
  };
  return (
    <>
      <button type="button" className="small-button" onClick={() => downloadJson(detail)}>
        Download JSON
      </button>
      <button
        type="button"
        className="small-button"
        aria-label="Copy as test"
        title={format ? `A ${format.runner} test (${format.module === 'esm' ? 'ES modules' : 'CommonJS'}): this status, at most this many queries and N+1s` : 'Choose your test runner once, then copy'}
        onClick={() => (format ? void copy(format) : setAsking(true))}
      >
        {copied === 'copied' ? 'Copied ✓' : copied === 'failed' ? 'Copy failed' : 'Copy as test'}
      </button>
      {format && !asking && (
        <button type="button" className="small-button" aria-label="Test format" title="Change the test runner or module system" onClick={() => setAsking(true)}>
          {format.runner} · {format.module === 'esm' ? 'ESM' : 'CJS'}
        </button>
      )}
      {asking && (
        <TestFormatForm
          initial={format ?? { runner: 'vitest', module: 'esm' }}
          onCancel={() => setAsking(false)}
          onChoose={(chosen) => {
            writeTestFormat(chosen);
            setFormat(chosen);
            setAsking(false);
            void copy(chosen);
          }}
        />
      )}
    </>
  );
}

function TestFormatForm({ initial, onChoose, onCancel }: { initial: TestFormat; onChoose: (format: TestFormat) => void; onCancel: () => void }) {
  const [runner, setRunner] = useState(initial.runner);
  const [module, setModule] = useState(initial.module);
  const id = useId();
  return (
    <form
      className="test-format"
      aria-label="Test format"
      onSubmit={(event) => {
        event.preventDefault();
        onChoose({ runner, module });
      }}
    >
      <label htmlFor={`${id}-runner`}>Runner</label>
      <select id={`${id}-runner`} value={runner} onChange={(event) => setRunner(event.target.value as TestRunner)}>
        {TEST_RUNNERS.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
      <label htmlFor={`${id}-module`}>Modules</label>
      <select id={`${id}-module`} value={module} onChange={(event) => setModule(event.target.value as TestFormat['module'])}>
        <option value="esm">ES modules (import)</option>
        <option value="cjs">CommonJS (require)</option>
      </select>
      <button type="submit" className="small-button">Copy test</button>
      <button type="button" className="small-button" onClick={onCancel}>Cancel</button>
    </form>
  );
}
