/**
 * The counts of requests the launcher knows only by id (the page's fetches, a page a swap brought
 * without its tag), read from the toolbar's list: one `GET {mountPath}/api/requests` a moment
 * after the last new id, asked again a few times while some are not stored yet.
 */
/** A `RequestSummary` as the launcher reads it: its id, and the fields the badges name (`queryCount`). */
export interface KnownCounts {
  id: string;
  [field: string]: unknown;
}

export interface RequestCounts {
  /** Counts by request id, for the ids asked so far. */
  known: Map<string, KnownCounts>;
  /** Asks for an id's counts; `onChange` runs when they arrive. */
  want: (id: string) => void;
  /** Forgets what was asked (the page changed); answers still on their way are ignored. */
  clear: () => void;
}

const FIRST_MS = 150;
const TRIES = 4;

/**
 * @example
 * const counts = requestCounts('/__toolbar', render);
 * counts.want('1f2e3d4c-9'); // later: counts.known.get('1f2e3d4c-9')?.queryCount
 */
export function requestCounts(mountPath: string, onChange: () => void): RequestCounts {
  const known = new Map<string, KnownCounts>();
  let wanted = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tries = 0;

  const schedule = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(ask, ms);
  };
  function ask(): void {
    const asked = wanted;
    fetch(`${mountPath}/api/requests`, { headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: { requests?: KnownCounts[] } | null) => {
        if (asked !== wanted) return;
        for (const summary of body?.requests ?? []) if (wanted.has(summary.id)) known.set(summary.id, summary);
        onChange();
        // Stored as its response finishes, maybe after the page read it: ask again, less often.
        if ([...wanted].some((id) => !known.has(id)) && ++tries < TRIES) schedule(FIRST_MS * 4 ** tries);
      })
      .catch(() => {});
  }

  return {
    known,
    want(id) {
      if (wanted.has(id)) return;
      wanted.add(id);
      tries = 0;
      schedule(FIRST_MS);
    },
    clear() {
      clearTimeout(timer);
      wanted = new Set();
    },
  };
}
