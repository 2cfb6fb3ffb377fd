/* Outbox: writes made without signal wait on the phone and are sent later, once each, in order.
 * A data-outbox form is saved to localStorage, then sent; it leaves the queue once the server
 * answered. A form with hx-target gets its fragment swapped there; a page form (no hx-target,
 * the resident registration) goes on to where the server says, or shows its errors. A lost
 * answer means a resend with the same idempotency key, which the server answers as before (one
 * record). A refusal (403, 404, 409, 422) is listed with its reason until the worker closes it.
 * Also registers the service worker (static/js/sw.js). Without JS, forms just post.
 */
(() => {
  'use strict';
  const QUEUE = 'gridwork-outbox';
  const REFUSED = 'gridwork-refused';
  const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const counter = document.getElementById('outbox-count');
  const en = document.documentElement.lang === 'en';
  // Items belong to the worker who made them: on a shared phone, the next one must not send them.
  const me = (counter && counter.dataset.worker) || '';
  let busy = false;
  // Forms whose items were queued from this page: cleared once the server took them.
  const sentFrom = new Map();

  // crypto.randomUUID needs https; getRandomValues works on a plain-http intranet too.
  const randomKey = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => CHARS[b & 63]).join('');

  const renewKey = (form) => {
    const input = form.querySelector('input[name=key]');
    if (input) input.value = randomKey();
  };

  const read = (name) => {
    try { return JSON.parse(localStorage.getItem(name)) || []; } catch (e) { return []; }
  };
  // Read-modify-write each time, so a second tab cannot drop this one's items.
  const load = () => read(QUEUE);
  const mine = () => load().filter((i) => me && i.worker === me);
  const save = (queue) => {
    localStorage.setItem(QUEUE, JSON.stringify(queue));
    showCount();
  };

  const find = (selector) => {
    try { return selector && document.querySelector(selector); } catch (e) { return null; }
  };

  // The count is a fixed badge (app.css), seen wherever the worker has scrolled; each waiting
  // item's own row is marked until it is sent.
  const showCount = () => {
    if (!counter) return;
    const items = mine();
    counter.textContent = en ? `${items.length} waiting to send` : `${items.length} 条待发送`;
    counter.hidden = items.length === 0;
    document.querySelectorAll('.queued').forEach((el) => el.classList.remove('queued'));
    items.forEach((i) => {
      const row = find(i.row);
      if (row) { row.classList.add('queued'); row.dataset.queued = en ? 'waiting' : '待发送'; }
    });
    showRefused();
  };

  // Refused items stay listed (also on the next page) until closed: nothing is dropped unseen.
  const showRefused = () => {
    let box = document.getElementById('outbox-refused');
    const items = read(REFUSED).filter((i) => i.worker === me);
    if (!items.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement('div');
      box.id = 'outbox-refused';
      box.setAttribute('role', 'alert');
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const head = document.createElement('b');
    head.textContent = en ? 'Not saved:' : '未保存：';
    box.appendChild(head);
    items.forEach((i) => {
      const line = document.createElement('p');
      line.textContent = `${i.what} — ${i.reason}`;
      box.appendChild(line);
    });
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = en ? 'Close' : '知道了';
    close.onclick = () => {
      localStorage.setItem(REFUSED, JSON.stringify(read(REFUSED).filter((i) => i.worker !== me)));
      showRefused();
    };
    box.appendChild(close);
  };

  const refuse = (item, status, html) => {
    const page = new DOMParser().parseFromString(html, 'text/html');
    const said = Array.from(page.querySelectorAll('[role=alert], .error, main h1'), (el) =>
      el.textContent.trim()).filter(Boolean);
    const reason = said[0] || (en ? `refused (${status})` : `被拒绝（${status}）`);
    const list = read(REFUSED);
    list.push({ worker: me, what: item.what, reason, at: Date.now() });
    localStorage.setItem(REFUSED, JSON.stringify(list.slice(-10)));
  };

  // What the worker would call the item: the row's name and the button's label.
  const describe = (form, button) => {
    const place = form.closest('li, section, main');
    const name = place && place.querySelector('.name, h1');
    const parts = [name && name.textContent, button && button.textContent];
    return parts.map((p) => (p || '').replace(/\s+/g, ' ').trim()).filter(Boolean).join(' · ');
  };

  // A new intention gets a new key; the same content tapped twice keeps its key (one record).
  const onEdit = (event) => {
    const form = event.target.closest && event.target.closest('form[data-outbox]');
    if (form) renewKey(form);
  };

  const onSubmit = (event) => {
    const form = event.target;
    if (form.matches('form[data-signout]')) forget();
    if (!form.matches('form[data-outbox]') || !window.htmx || !me) return;
    const button = event.submitter;
    // Another button of the same form (电话 after 上门) is another intention too.
    const choice = button && button.name ? `${button.name}=${button.value}` : '';
    if (form.outboxChoice !== undefined && form.outboxChoice !== choice) renewKey(form);
    form.outboxChoice = choice;

    const data = new FormData(form, button);
    // Browsers older than 2023 ignore FormData's submitter argument.
    if (button && button.name && !data.has(button.name)) data.append(button.name, button.value);
    // A visit sent an hour later keeps the time it was made (other endpoints ignore it); sent
    // as an instant in UTC, so that a phone set to another time zone files it at the right hour.
    if (!data.has('visited_at')) data.set('visited_at', new Date().toISOString());
    const key = data.get('key');
    const target = form.getAttribute('hx-target') || '';
    const row = form.dataset.outboxRow || target;
    try {
      const queue = load();
      // A double tap while the first copy waits: one item is enough.
      if (!queue.some((i) => key && i.url === form.action && i.key === key)) {
        queue.push({
          id: randomKey(), worker: me, url: form.action, key, at: Date.now(),
          body: new URLSearchParams(data).toString(), target, row,
          what: describe(form, button),
        });
        save(queue);
        sentFrom.set(queue[queue.length - 1].id, form);
        // A counting form (a checkpoint's taps): every tap is a check of its own, so the next
        // one gets a new key; this one's resends keep theirs.
        if (form.hasAttribute('data-outbox-each')) {
          renewKey(form);
          // Without signal no answer empties the form: a temperature typed for this person
          // must not ride along on the next taps (a vehicle, a person without fever).
          if (!navigator.onLine) {
            form.querySelectorAll('input:not([type=hidden])').forEach((i) => { i.value = ''; });
          }
        }
      }
    } catch (e) {
      return; // storage full or disabled: the form posts now instead
    }
    event.preventDefault();
    event.stopPropagation(); // htmx listens on the form itself: it must not send a second copy
    flush();
  };

  // A cached page's token may be from an older session: ask for the current one. Signed out
  // (a redirect to the sign-in page) or no signal: null, and nothing is sent.
  const freshToken = async () => {
    const res = await fetch(counter.dataset.token, {
      credentials: 'same-origin', redirect: 'manual', cache: 'no-store',
    });
    return res.status === 200 ? (await res.json()).token : null;
  };

  const send = async (item, token) => {
    const body = new URLSearchParams(item.body);
    if (body.has('csrf_token')) body.set('csrf_token', token);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 15000);
    try {
      const res = await fetch(item.url, {
        method: 'POST',
        body: body.toString(),
        headers: {
          'HX-Request': 'true',
          'HX-Target': item.target.charAt(0) === '#' ? item.target.slice(1) : '',
          'X-CSRFToken': token,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        credentials: 'same-origin',
        // Writes answer with a fragment; a redirect means "sign in first".
        redirect: 'manual',
        signal: abort.signal,
      });
      return { status: res.status, html: await res.text(), go: res.headers.get('HX-Location') };
    } finally {
      clearTimeout(timer);
    }
  };

  const swap = (item, answer) => {
    const form = sentFrom.get(item.id);
    const here = form && document.contains(form);
    if (!item.target) {
      // A page form still on screen: on to the next page, or its errors drawn in place.
      if (!here) return;
      if (answer.go) { location.assign(answer.go); return; }
      const main = new DOMParser().parseFromString(answer.html, 'text/html').getElementById('main');
      if (main) htmx.swap('#main', main.outerHTML, { swapStyle: 'outerHTML' });
      return;
    }
    const target = find(item.target);
    // htmx.swap also applies hx-swap-oob parts (counters, timeline) and processes new markup.
    if (target && answer.html) htmx.swap(target, answer.html, { swapStyle: 'outerHTML' });
  };

  // A saved change leaves an empty form (and closes the colour picker), so that what is on the
  // screen is what the household holds, not what was just sent.
  const done = (item, status) => {
    const form = sentFrom.get(item.id);
    sentFrom.delete(item.id);
    if (!form || status >= 300 || !document.contains(form)) return;
    form.reset();
    const details = form.closest('details');
    if (details) details.open = false;
  };

  const flush = async () => {
    if (busy || !mine().length) return;
    busy = true;
    try {
      const token = await freshToken();
      let item;
      while (token && (item = mine()[0])) {
        const answer = await send(item, token); // rejects offline or on timeout: the item stays
        // Not answered (signed out, rate limit, server trouble): keep it, retry later.
        if (answer.status === 0 || answer.status === 429 || answer.status >= 500) break;
        save(load().filter((i) => i.id !== item.id));
        // 409 and 422 answer with the row and its reason, drawn where it stands; every refusal
        // is also listed, for the rows that are not on this page.
        if (answer.status < 300 || answer.status === 409 || answer.status === 422) swap(item, answer);
        if (answer.status >= 400) refuse(item, answer.status, answer.html);
        done(item, answer.status);
      }
    } catch (e) {
      // Offline or timed out: retried on 'online', every 20 s and at page load.
    } finally {
      busy = false;
      showCount();
    }
  };

  // Signing out: the pages this worker saw leave the phone (the sign-in page says so too).
  const forget = () => {
    if (window.caches) caches.delete('gw-pages');
  };

  // Keys are per page view: a page opened again from the phone's copy must not reuse the keys
  // of the visit logged on it the last time.
  document.querySelectorAll('form[data-outbox]').forEach(renewKey);
  document.addEventListener('submit', onSubmit, true); // capture: runs before htmx's listener
  document.addEventListener('input', onEdit);
  document.addEventListener('change', onEdit);
  window.addEventListener('online', flush);
  window.addEventListener('storage', showCount);
  setInterval(flush, 20000);
  showCount();
  flush();
  if (counter && counter.dataset.sw && navigator.serviceWorker) {
    navigator.serviceWorker.register(counter.dataset.sw).catch(() => {});
  }
})();
