/**
 * Time to render the timeline panel with 500 spans in jsdom, drawing only the rows in view: the
 * timing moved here from ui/panels/timeline/TimelinePanel.test.tsx, which keeps the behaviour
 * (which rows are drawn) without a wall-clock bound that a loaded machine breaks.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

/** Median ms of `rounds` first renders of 500 spans (a new root each time), and rows drawn. */
export async function measureTimelineRender(rounds = 7): Promise<{ medianMs: number; rows: number }> {
  // Globals for React, set only now: the bench's other parts must not believe they run in a browser.
  // jsdom ships no types; vitest's jsdom environment is the same package.
  const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string, options: object) => { window: object } };
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true, url: 'http://localhost/' });
  const globals = globalThis as Record<string, unknown>;
  for (const key of ['window', 'document', 'navigator', 'HTMLElement', 'Element', 'Node', 'Event', 'KeyboardEvent',
    'MutationObserver', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame', 'localStorage', 'ResizeObserver']) {
    if (key in dom.window && !(key in globals)) globals[key] = (dom.window as unknown as Record<string, unknown>)[key];
  }
  globals.IS_REACT_ACT_ENVIRONMENT = true;
  const { act } = await import('react');
  const { createRoot } = await import('react-dom/client');
  const { TimelinePanel } = await import('../ui/panels/timeline/TimelinePanel.js');
  const { manySpans } = await import('../ui/testing/sample-timeline.js');
  const { sampleDetail } = await import('../ui/testing/sample-detail.js');
  const { withTimeline } = await import('../ui/testing/panel-details.js');
  const detail = withTimeline(sampleDetail, manySpans(500));
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < rounds; i++) {
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    const started = performance.now();
    await act(async () => root.render(<TimelinePanel detail={detail} mountPath="/__toolbar" />));
    times.push(performance.now() - started);
    rows = container.querySelectorAll('.tl-row').length;
    await act(async () => root.unmount());
    container.remove();
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1], rows };
}
