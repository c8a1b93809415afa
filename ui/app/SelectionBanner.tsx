/** Says plainly that the panels show another request than the page's, with the way back. */
import type { RequestDetail } from '../../server/types.js';

interface Props {
  /** The selected request once loaded (its method and URL), null while loading. */
  detail: RequestDetail | null;
  selectedId: string;
  onBack: () => void;
}

export function SelectionBanner({ detail, selectedId, onBack }: Props) {
  const what = detail && detail.id === selectedId ? `${detail.method} ${detail.url} (request ${selectedId})` : `request ${selectedId}`;
  return (
    <div className="selection-banner" role="status">
      <span>
        You are looking at <strong>{what}</strong>, not this page
      </span>
      <button type="button" className="small-button" onClick={onBack}>
        Back to this page
      </button>
    </div>
  );
}
