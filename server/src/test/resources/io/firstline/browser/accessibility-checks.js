// Offline checks in the spirit of axe-core's WCAG A/AA rules, run in the page under test; returns the problems found.
const problems = [];
const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
  && getComputedStyle(el).visibility !== 'hidden';
const describe = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '')
  + (el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '');
const textOf = (id) => {
  const el = document.getElementById(id);
  return el ? el.textContent.trim() : '';
};
const named = (el) => {
  if ((el.getAttribute('aria-label') || '').trim()) {
    return true;
  }
  const by = (el.getAttribute('aria-labelledby') || '').trim();
  if (by && by.split(/\s+/).some((id) => textOf(id))) {
    return true;
  }
  if (el.labels && Array.from(el.labels).some((l) => l.textContent.trim())) {
    return true;
  }
  return !!(el.getAttribute('title') || '').trim();
};

if (!(document.documentElement.getAttribute('lang') || '').trim()) {
  problems.push('html-has-lang: the page has no lang attribute');
}
if (!document.title.trim()) {
  problems.push('document-title: the page has no title');
}
if (document.querySelectorAll('main, [role="main"]').length !== 1) {
  problems.push('landmark-one-main: the page needs exactly one main landmark');
}
const ids = new Map();
document.querySelectorAll('[id]').forEach((el) => ids.set(el.id, (ids.get(el.id) || 0) + 1));
ids.forEach((n, id) => { if (n > 1) problems.push(`duplicate-id: #${id} is used ${n} times`); });
document.querySelectorAll('[aria-labelledby], [aria-describedby], [aria-controls]').forEach((el) => {
  ['aria-labelledby', 'aria-describedby', 'aria-controls'].forEach((attr) => {
    (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean).forEach((id) => {
      if (!document.getElementById(id)) {
        problems.push(`aria-valid-attr-value: ${describe(el)} ${attr} names #${id}, which does not exist`);
      }
    });
  });
});
document.querySelectorAll('input, select, textarea').forEach((el) => {
  if (el.type === 'hidden' || !visible(el)) {
    return;
  }
  if (!named(el)) {
    problems.push(`label: ${describe(el)} has no label`);
  }
});
document.querySelectorAll('button, a[href], [role="button"]').forEach((el) => {
  if (visible(el) && !el.textContent.trim() && !named(el)) {
    problems.push(`button-name/link-name: ${describe(el)} has no text`);
  }
});
document.querySelectorAll('label[for]').forEach((l) => {
  if (!document.getElementById(l.htmlFor)) {
    problems.push(`label: a label is for #${l.htmlFor}, which does not exist`);
  }
});
document.querySelectorAll('[tabindex]').forEach((el) => {
  if (Number(el.getAttribute('tabindex')) > 0) {
    problems.push(`tabindex: ${describe(el)} has a positive tabindex`);
  }
});
document.querySelectorAll('img').forEach((el) => {
  if (!el.hasAttribute('alt')) {
    problems.push(`image-alt: ${describe(el)} has no alt`);
  }
});
let level = 0;
document.querySelectorAll('h1, h2, h3, h4, h5, h6').forEach((el) => {
  if (!visible(el)) {
    return;
  }
  const n = Number(el.tagName[1]);
  if (level && n > level + 1) {
    problems.push(`heading-order: ${describe(el)} (h${n}) follows an h${level}`);
  }
  level = n;
});

// Colour contrast (WCAG 1.4.3): text against the first opaque background behind it.
const rgb = (css) => {
  const m = css.match(/rgba?\(([^)]+)\)/);
  if (!m) {
    return null;
  }
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
const luminance = (c) => {
  const ch = [c.r, c.g, c.b].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
};
const background = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) {
      return c;
    }
  }
  return { r: 255, g: 255, b: 255, a: 1 };
};
document.querySelectorAll('body *').forEach((el) => {
  const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  if (!ownText || !visible(el) || el.disabled || el.closest('[disabled]')) {
    return;
  }
  const style = getComputedStyle(el);
  const fg = rgb(style.color);
  if (!fg) {
    return;
  }
  const l1 = luminance(fg);
  const l2 = luminance(background(el));
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) {
    problems.push(`color-contrast: ${describe(el)} "${el.textContent.trim().slice(0, 30)}" has ${ratio.toFixed(2)}:1`);
  }
});
return problems;
