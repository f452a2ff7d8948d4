package io.firstline.browser;

import java.util.List;

/**
 * Accessibility checks that run offline in the page itself (a few of axe-core's rules, no download): every
 * visible form control and button has an accessible name, ids are unique, every aria-labelledby and label
 * points at something, images have alt text, the page has a language and one main landmark.
 */
final class OfflineA11y {

    private static final String SCRIPT = """
            const problems = [];
            const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
            const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ')[0] : '');
            const named = (el) => {
              if ((el.getAttribute('aria-label') || '').trim()) return true;
              const by = el.getAttribute('aria-labelledby');
              if (by && by.split(/\\s+/).some((id) => { const t = document.getElementById(id); return t && t.textContent.trim(); })) return true;
              if (el.id && [...document.querySelectorAll('label')].some((l) => l.htmlFor === el.id && l.textContent.trim())) return true;
              if (el.closest('label') && el.closest('label').textContent.trim()) return true;
              return false;
            };
            if (!document.documentElement.lang) problems.push('the page has no lang');
            if (document.querySelectorAll('main').length !== 1) problems.push('the page needs exactly one main landmark');
            if (!document.title.trim()) problems.push('the page has no title');
            const ids = {};
            document.querySelectorAll('[id]').forEach((el) => { ids[el.id] = (ids[el.id] || 0) + 1; });
            Object.entries(ids).filter(([, n]) => n > 1).forEach(([id]) => problems.push('duplicate id ' + id));
            document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach((el) => {
              if (visible(el) && !named(el)) problems.push('no label: ' + describe(el));
            });
            document.querySelectorAll('button, a[href], [role=button]').forEach((el) => {
              if (visible(el) && !el.textContent.trim() && !named(el) && !el.getAttribute('title')) problems.push('no name: ' + describe(el));
            });
            document.querySelectorAll('[aria-labelledby]').forEach((el) => {
              el.getAttribute('aria-labelledby').split(/\\s+/).forEach((id) => {
                if (!document.getElementById(id)) problems.push('aria-labelledby points nowhere: ' + describe(el) + ' -> ' + id);
              });
            });
            document.querySelectorAll('label[for]').forEach((l) => {
              if (!document.getElementById(l.htmlFor)) problems.push('label for nothing: ' + l.htmlFor);
            });
            document.querySelectorAll('img').forEach((el) => { if (!el.hasAttribute('alt')) problems.push('img without alt: ' + describe(el)); });
            document.querySelectorAll('[tabindex]').forEach((el) => {
              if (Number(el.getAttribute('tabindex')) > 0) problems.push('positive tabindex: ' + describe(el));
            });
            return problems;
            """;

    private OfflineA11y() {
    }

    /** What the page shown now fails of the checks above; empty when it passes. */
    @SuppressWarnings("unchecked")
    static List<String> problems(Browser b) {
        return (List<String>) b.script(SCRIPT);
    }
}
