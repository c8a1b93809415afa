import { describe, expect, it } from 'vitest';
import { openSpan, openTimeline, requestRootContext } from '../../../server/panels/timeline/spans.js';
import type { LiveRequest } from '../../../server/request/record.js';

const liveRequest = () => ({ startTime: 0, finished: false }) as unknown as LiveRequest;

/** Issue 17: the request's root context was an object literal with a getter made per request. */
describe('requestRootContext', () => {
  it('shares one span getter between requests', () => {
    const [a, b] = [requestRootContext(liveRequest()), requestRootContext(liveRequest())];
    expect(Object.getOwnPropertyDescriptor(a, 'span')!.get).toBe(Object.getOwnPropertyDescriptor(b, 'span')!.get);
  });

  it('gives the innermost open layer of its own request, and a spread copies the span open then', () => {
    const request = liveRequest();
    const other = requestRootContext(liveRequest());
    const context = requestRootContext(request);
    expect(context.span).toBeUndefined();
    const timeline = openTimeline(request);
    const span = openSpan(request, 'middleware', 'auth', null)!;
    timeline.openLayers.push(span);
    expect(context.span).toBe(span);
    expect(other.span).toBeUndefined();
    const copy = { ...context, frames: undefined };
    span.durationMs = 1;
    expect(copy.span).toBe(span);
    expect(context.span).toBeUndefined();
  });
});
