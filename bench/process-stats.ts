/**
 * The child's answers to the orchestrator: 'cpu' → CPU µs used so far (user + system), 'heap' →
 * heap after a full collection, and RSS.
 */
export function listenForStatsRequests(): void {
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpu: user + system });
    } else if (message === 'heap') {
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      process.send?.({ heap: { heapUsed, rss } });
    }
  });
}
