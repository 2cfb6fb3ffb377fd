// What a finger has to hit and what an eye has to read on a page, for tests/test_touch.py.
// Targets: a box wrapped in its label is hit through the label, a box beside its label
// (WTForms' lists) through both; every <details> is opened first, so the folds' insides count.
// An undersized target passes WCAG's spacing exception (with 44 for 24): a circle of `size`
// on its centre meets no other target and no other undersized target's circle.
// Text: every element with text of its own, its colour over the first opaque background up
// the tree (translucent layers blended), against 4.5:1, or 3:1 for large text.
(size) => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const visible = el => {
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && el.getClientRects().length > 0;
  };
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    const right = Math.max(a.right, b.right), bottom = Math.max(a.bottom, b.bottom);
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
  const targets = [], seen = new Set();
  const controls = 'a[href],button,input:not([type=hidden]),select,textarea,summary';
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el)) continue;
    let node = el, box = el.getBoundingClientRect();
    if (el.matches('input[type=checkbox],input[type=radio]')) {
      const wrapping = el.closest('label');
      const beside = el.id && document.querySelector(`label[for="${el.id}"]`);
      if (wrapping) { node = wrapping; box = wrapping.getBoundingClientRect(); }
      else if (beside) { node = beside; box = union(box, beside.getBoundingClientRect()); }
    }
    if (seen.has(node)) continue;
    seen.add(node);
    const text = (node.innerText || el.value || el.name || el.tagName).trim().slice(0, 40);
    targets.push({text, tag: el.tagName.toLowerCase(), left: box.left + scrollX,
      top: box.top + scrollY, width: box.width, height: box.height});
  }
  const centre = t => [t.left + t.width / 2, t.top + t.height / 2];
  const small = targets.filter(t => t.width < size - 0.5 || t.height < size - 0.5);
  const crowded = small.filter(t => {
    const [x, y] = centre(t);
    return targets.some(o => {
      if (o === t) return false;
      const dx = Math.max(o.left - x, 0, x - (o.left + o.width));
      const dy = Math.max(o.top - y, 0, y - (o.top + o.height));
      if (Math.hypot(dx, dy) < size / 2) return true;
      if (!small.includes(o)) return false;
      const [ox, oy] = centre(o);
      return Math.hypot(ox - x, oy - y) < size;
    });
  });

  const rgba = c => (c.match(/[\d.]+/g) || []).map(Number);
  const over = (top, under) => {
    const a = top.length > 3 ? top[3] : 1;
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a));
  };
  const background = el => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c.length && (c.length < 4 || c[3] > 0)) { layers.push(c); if (c.length < 4 || c[3] >= 1) break; }
    }
    return layers.reduceRight((under, c) => over(c, under), [255, 255, 255]);
  };
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [l, d] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l + 0.05) / (d + 0.05);
  };
  const faint = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('select,script,style,[hidden]') || !visible(el)) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    const bg = background(el);
    const fg = over(rgba(s.color), bg);
    const px = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
    const r = ratio(fg, bg);
    if (r < need - 0.005) faint.push({text: el.textContent.trim().slice(0, 40), ratio: r.toFixed(2), color: s.color, background: bg.map(Math.round).join(',')});
  }
  return {crowded, faint, scrollWidth: document.documentElement.scrollWidth, width: innerWidth};
}
