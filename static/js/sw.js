/* Gridwork's service worker: the worker's pages open without signal.
 * Pages: network first; the server marks the ones a phone may keep (Gridwork-Keep: <worker id>,
 * webapp/offline), and without network the last copy is shown with its offline banner. Copies
 * belong to one worker: another id, the sign-in page ("clear") or a sign-out empties them.
 * Static files: their URLs change with their content (?v=), so a copy is good until then.
 */
'use strict';
const PAGES = 'gw-pages';
const STATIC = 'gw-static';
const OWNER = '/gw-owner';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  if (e.data === 'clear') e.waitUntil(caches.delete(PAGES));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/static/') && url.searchParams.has('v')) {
    e.respondWith(staticFile(req, url));
  } else if (req.mode === 'navigate') {
    e.respondWith(page(req));
  }
});

async function staticFile(req, url) {
  const cache = await caches.open(STATIC);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) {
    // Older versions of the same file are of no use any more.
    for (const old of await cache.keys()) {
      if (new URL(old.url).pathname === url.pathname) await cache.delete(old);
    }
    await cache.put(req, res.clone());
  }
  return res;
}

async function page(req) {
  let res;
  try {
    res = await fetch(req);
  } catch (err) {
    return copyOf(req);
  }
  const who = res.headers.get('Gridwork-Keep');
  if (who === 'clear') {
    await caches.delete(PAGES);
  } else if (who && res.ok) {
    let cache = await caches.open(PAGES);
    const owner = await cache.match(OWNER);
    if (!owner || (await owner.text()) !== who) {
      // Another worker on this phone: nothing of the last one's stays.
      await caches.delete(PAGES);
      cache = await caches.open(PAGES);
      await cache.put(OWNER, new Response(who));
    }
    await cache.put(req.url, res.clone());
  }
  return res;
}

async function copyOf(req) {
  const cache = await caches.open(PAGES);
  const hit = await cache.match(req.url, { ignoreVary: true, ignoreSearch: false });
  if (!hit) {
    return new Response(
      '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
        '<title>离线 · Offline</title><p>离线：这一页没有存在手机上。<br>Offline: this page was not kept on the phone.</p>' +
        '<p><a href="/today/">今天 · Today</a></p>',
      { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } },
    );
  }
  // The page carries its banner hidden, with the time it was drawn: show it.
  const html = (await hit.text()).replace('<p id="offline" hidden', '<p id="offline"');
  return new Response(html, { headers: hit.headers });
}
