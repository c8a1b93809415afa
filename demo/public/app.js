// The home page's "Fetch /api/posts" button: a request made from the browser, which the toolbar
// records like any other.
const button = document.getElementById('fetch-posts');
const output = document.getElementById('fetch-result');

if (button && output) {
  button.addEventListener('click', async () => {
    output.textContent = 'Loading…';
    try {
      const response = await fetch('/api/posts', { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      output.textContent = `Fetched ${body.count} posts.`;
    } catch (error) {
      output.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
}
