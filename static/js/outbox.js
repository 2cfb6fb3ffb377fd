/* Outbox: writes made without signal wait on the phone and are sent later, in order.
 * A data-outbox form (hx-target="#id", answering with a fragment) is saved to localStorage, then
 * sent; it leaves the queue once the server answered. A lost answer means a resend with the same
 * idempotency key, which the server answers as before (one record). Without JS, forms just post.
 */
(() => {
  'use strict';
  const QUEUE = 'gridwork-outbox';
  const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const counter = document.getElementById('outbox-count');
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

  // Read-modify-write each time, so a second tab cannot drop this one's items.
  const load = () => {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  };
  const mine = () => load().filter((i) => me && i.worker === me);
  const save = (queue) => {
    localStorage.setItem(QUEUE, JSON.stringify(queue));
    showCount();
  };

  const showCount = () => {
    if (!counter) return;
    const n = mine().length;
    counter.textContent = document.documentElement.lang === 'en'
      ? `${n} waiting to send` : `${n} 条待发送`;
    counter.hidden = n === 0;
  };

  const csrfToken = () => {
    try { return JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'] || ''; }
    catch (e) { return ''; }
  };

  // A new intention gets a new key; the same content tapped twice keeps its key (one record).
  const onEdit = (event) => {
    const form = event.target.closest && event.target.closest('form[data-outbox]');
    if (form) renewKey(form);
  };

  const onSubmit = (event) => {
    const form = event.target;
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
    try {
      const queue = load();
      // A double tap while the first copy waits: one item is enough.
      if (!queue.some((i) => key && i.url === form.action && i.key === key)) {
        queue.push({
          id: randomKey(), worker: me, url: form.action, key, at: Date.now(),
          body: new URLSearchParams(data).toString(),
          target: form.getAttribute('hx-target') || '',
        });
        save(queue);
        sentFrom.set(queue[queue.length - 1].id, form);
      }
    } catch (e) {
      return; // storage full or disabled: htmx posts it now instead
    }
    event.preventDefault();
    event.stopPropagation(); // htmx listens on the form itself: it must not send a second copy
    flush();
  };

  const send = async (item) => {
    const body = new URLSearchParams(item.body);
    const token = csrfToken();
    // This page's token is current; the saved one may be from an older session.
    if (token && body.has('csrf_token')) body.set('csrf_token', token);
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
      return { status: res.status, html: await res.text() };
    } finally {
      clearTimeout(timer);
    }
  };

  const swap = (item, html) => {
    let target = null;
    try { target = item.target && document.querySelector(item.target); } catch (e) { /* */ }
    // htmx.swap also applies hx-swap-oob parts (counters, timeline) and processes new markup.
    if (target) htmx.swap(target, html, { swapStyle: 'outerHTML' });
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
    if (busy) return;
    busy = true;
    try {
      let item;
      while ((item = mine()[0])) {
        const answer = await send(item); // rejects offline or on timeout: the item stays
        // Not answered (signed out, rate limit, server trouble): keep it, retry later.
        if (answer.status === 0 || answer.status === 429 || answer.status >= 500) break;
        save(load().filter((i) => i.id !== item.id));
        // Other 4xx (403, 404) are final refusals; like htmx, don't swap their error page.
        if (answer.status < 300 || answer.status === 409 || answer.status === 422) {
          swap(item, answer.html);
        }
        done(item, answer.status);
      }
    } catch (e) {
      // Offline or timed out: retried on 'online', every 20 s and at page load.
    } finally {
      busy = false;
      showCount();
    }
  };

  document.addEventListener('submit', onSubmit, true); // capture: runs before htmx's listener
  document.addEventListener('input', onEdit);
  document.addEventListener('change', onEdit);
  window.addEventListener('online', flush);
  window.addEventListener('storage', showCount);
  setInterval(flush, 20000);
  showCount();
  flush();
})();
