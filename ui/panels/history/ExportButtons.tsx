/** "Download JSON" and "Copy as test" for the request the panels show. */
import { useEffect, useRef, useState } from 'react';
import type { RequestDetail } from '../../../server/types.js';
import { useAnnounce } from '../../app/announcer.js';
import { copyText } from '../sql/clipboard.js';
import { downloadJson, testSnippet } from './export.js';

export function ExportButtons({ detail, mountPath }: { detail: RequestDetail; mountPath: string }) {
  const announce = useAnnounce();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    const ok = await copyText(testSnippet(detail, mountPath));
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
        title="A vitest/jest + supertest test: this status, at most this many queries, no N+1"
        onClick={() => void copy()}
      >
        {copied === 'copied' ? 'Copied ✓' : copied === 'failed' ? 'Copy failed' : 'Copy as test'}
      </button>
    </>
  );
}
