// A stand-in for Turbo Drive and htmx's hx-boost on the /swap page (the demo installs neither):
// the few lines of each that matter to the toolbar, which must survive them.
//
// - a[data-swap="turbo"]: fetch() the page, then `document.body.replaceWith(newBody)` and re-create
//   its <script> elements so they run, as Turbo Drive does; the old body is kept as a clone, and
//   Back puts that clone back (Turbo's snapshot cache).
// - a[data-swap="htmx"]: XMLHttpRequest with `HX-Request: true`, then `document.body.innerHTML =`
//   the new body's, as hx-boost does; the old innerHTML is kept, and Back restores it (htmx's
//   history cache).
// - button[data-fragment]: an htmx-style partial request (hx-get + hx-target) by fetch() or XHR,
//   whose HTML fragment goes into #fragment.
// Every swap pushes the URL, so Back and Forward go through popstate like the real libraries.

const snapshots = new Map(); // URL → a body element (turbo) or an innerHTML string (htmx)
let current = location.href;

function activateScripts(root) {
  for (const old of root.querySelectorAll('script')) {
    const script = document.createElement('script');
    for (const { name, value } of old.attributes) script.setAttribute(name, value);
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
}

function snapshot(kind) {
  snapshots.set(current, kind === 'turbo' ? document.body.cloneNode(true) : document.body.innerHTML);
}

function get(kind, url, headers = {}) {
  if (kind === 'fetch' || kind === 'turbo') {
    return fetch(url, { headers: { Accept: 'text/html', ...headers } }).then((response) => response.text());
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url);
    xhr.setRequestHeader('HX-Request', 'true');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.onload = () => resolve(xhr.responseText);
    xhr.onerror = () => reject(new Error(`GET ${url} failed`));
    xhr.send();
  });
}

async function visit(kind, url) {
  const html = await get(kind, url);
  const page = new DOMParser().parseFromString(html, 'text/html');
  snapshot(kind);
  history.pushState({ swap: kind }, '', url);
  current = location.href;
  document.title = page.title;
  if (kind === 'turbo') {
    const body = document.adoptNode(page.body);
    document.body.replaceWith(body);
    activateScripts(body);
  } else {
    document.body.innerHTML = page.body.innerHTML;
    activateScripts(document.body);
  }
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-swap]') : null;
  if (link && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
    event.preventDefault();
    visit(link.dataset.swap, link.href).catch(() => (location.href = link.href));
    return;
  }
  const button = event.target instanceof Element ? event.target.closest('button[data-fragment]') : null;
  if (button) {
    get(button.dataset.fragment, button.dataset.url).then((html) => {
      const target = document.getElementById('fragment');
      if (target) target.innerHTML = html;
    });
  }
});

window.addEventListener('popstate', () => {
  const saved = snapshots.get(location.href);
  if (saved === undefined) {
    location.reload();
    return;
  }
  snapshot(typeof saved === 'string' ? 'htmx' : 'turbo');
  current = location.href;
  if (typeof saved === 'string') document.body.innerHTML = saved;
  else document.body.replaceWith(saved);
});
