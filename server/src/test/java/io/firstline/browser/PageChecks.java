package io.firstline.browser;

import java.util.List;

/**
 * Accessibility checks run in the page itself, offline (no axe-core download): the rules of axe's
 * WCAG A/AA set that a page of plain HTML most often breaks. Each finding names the element.
 */
final class PageChecks {

    private PageChecks() {
    }

    private static final String SCRIPT = """
            const out = [];
            const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                && getComputedStyle(el).visibility !== 'hidden';
            const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
            if (!document.documentElement.lang) out.push('html-has-lang: the page has no lang');
            if (!document.title.trim()) out.push('document-title: the page has no title');
            const ids = {};
            document.querySelectorAll('[id]').forEach((el) => { ids[el.id] = (ids[el.id] || 0) + 1; });
            Object.entries(ids).filter(([, n]) => n > 1).forEach(([id]) => out.push('duplicate-id: #' + id));
            const labelText = (el) => {
              if (el.getAttribute('aria-label') && el.getAttribute('aria-label').trim()) return el.getAttribute('aria-label');
              const by = el.getAttribute('aria-labelledby');
              if (by) return by.split(/\\s+/).map((i) => (document.getElementById(i) || {}).textContent || '').join(' ').trim();
              if (el.labels && el.labels.length) return Array.from(el.labels).map((l) => l.textContent).join(' ').trim();
              return (el.getAttribute('title') || '').trim();
            };
            document.querySelectorAll('input, select, textarea').forEach((el) => {
              if (el.type === 'hidden' || !visible(el)) return;
              if (!labelText(el)) out.push('label: ' + name(el) + ' has no label');
            });
            document.querySelectorAll('button, [role=button], a[href]').forEach((el) => {
              if (!visible(el)) return;
              const text = (el.textContent || '').trim() || labelText(el);
              if (!text) out.push((el.tagName === 'A' ? 'link-name: ' : 'button-name: ') + name(el) + ' has no name');
            });
            document.querySelectorAll('img').forEach((el) => {
              if (!el.hasAttribute('alt')) out.push('image-alt: ' + name(el));
            });
            document.querySelectorAll('[tabindex]').forEach((el) => {
              if (Number(el.getAttribute('tabindex')) > 0) out.push('tabindex: ' + name(el) + ' has a positive tabindex');
            });
            document.querySelectorAll('[aria-labelledby], [aria-describedby], label[for]').forEach((el) => {
              const refs = ((el.getAttribute('aria-labelledby') || '') + ' ' + (el.getAttribute('aria-describedby') || '')
                + ' ' + (el.getAttribute('for') || '')).trim().split(/\\s+/).filter(Boolean);
              refs.forEach((r) => { if (!document.getElementById(r)) out.push('aria-valid-ref: ' + name(el) + ' points at #' + r); });
            });
            if (document.querySelectorAll('h1').length !== 1) out.push('page-has-heading-one: ' + document.querySelectorAll('h1').length + ' h1');
            let last = 0;
            document.querySelectorAll('h1, h2, h3, h4, h5, h6').forEach((el) => {
              if (!visible(el)) return;
              const level = Number(el.tagName[1]);
              if (last && level > last + 1) out.push('heading-order: ' + name(el) + ' skips from h' + last);
              last = level;
            });
            if (!document.querySelector('main, [role=main]')) out.push('landmark-one-main: no main');
            const rgb = (c) => { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
            const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
            const background = (el) => {
              for (let e = el; e; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length < 4 || c[3] > 0) return c;
              }
              return [255, 255, 255];
            };
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const seen = new Set();
            for (let t = walker.nextNode(); t; t = walker.nextNode()) {
              const el = t.parentElement;
              if (!t.textContent.trim() || !el || seen.has(el) || !visible(el) || el.disabled || el.closest('[disabled]')) continue;
              seen.add(el);
              const s = getComputedStyle(el);
              const fg = lum(rgb(s.color));
              const bg = lum(background(el));
              const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
              const size = parseFloat(s.fontSize);
              const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
              if (ratio < (large ? 3 : 4.5)) out.push('color-contrast: ' + name(el) + ' ' + ratio.toFixed(2) + ':1 "' + t.textContent.trim().slice(0, 30) + '"');
            }
            return out;
            """;

    /** The violations on the page as it is shown now; empty when it passes. */
    @SuppressWarnings("unchecked")
    static List<String> violations(Browser b) {
        return (List<String>) b.script(SCRIPT);
    }
}
