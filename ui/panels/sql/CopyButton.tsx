/** A copy button whose accessible name stays put while its text says "Copied ✓" for a moment. */
import { useEffect, useRef, useState } from 'react';
import { useAnnounce } from '../../app/announcer.js';
import { copyText } from './clipboard.js';

interface Props {
  text: string;
  /** The accessible name: "Copy fix", "Copy". */
  label: string;
  /** Said by the live region after copying. */
  announcement: string;
  title?: string;
}

export function CopyButton({ text, label, announcement, title }: Props) {
  const announce = useAnnounce();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    announce(ok ? announcement : 'Copy failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button type="button" className="small-button" aria-label={label} title={title} onClick={() => void copy()}>
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}
