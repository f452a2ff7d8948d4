// The knowledge base panel: search as the agent types, show one solution, and hold the one the
// agent marked as used for the outcome of the current call.

import { api } from '../api.js';
import { h, fill, $ } from '../dom.js';

/**
 * Wires #kb-search, #kb-results, #kb-article and #kb-used. `onProblem(text)` is told when a solution
 * cannot be loaded; `onUsedChanged()` when the agent marks or clears the used solution.
 * Returns `show(id)` (a solution, e.g. one the pop suggests), `used()` ({id, title} or null),
 * `setUsed(kb)` (no event) and `focus()`.
 */
export function mountKb({ onProblem, onUsedChanged }) {
  let timer = null;
  let shown = null;
  let used = null;

  function search() {
    clearTimeout(timer);
    const q = $('#kb-search').value.trim();
    timer = setTimeout(async () => {
      if (!q) {
        fill($('#kb-results'));
        return;
      }
      try {
        const r = await api('GET', `/api/kb?q=${encodeURIComponent(q)}&limit=8`);
        fill($('#kb-results'), r.items.length ? r.items.map((a) => h('li', {},
          h('button', { type: 'button', class: 'link', text: a.title, on: { click: () => show(a.id) } }),
          h('span', { class: 'muted small', text: `${a.category} · used ${a.timesUsed}×` })))
          : h('li', { class: 'muted', text: 'Nothing found' }));
      } catch (e) {
        fill($('#kb-results'), h('li', { class: 'error', text: e.message }));
      }
    }, 250);
  }

  async function show(id) {
    try {
      const a = await api('GET', `/api/kb/${id}`);
      shown = a;
      $('#kb-article').hidden = false;
      $('#kb-article-title').textContent = a.title;
      $('#kb-article-problem').textContent = a.problem;
      $('#kb-article-solution').textContent = a.solution;
    } catch (e) {
      onProblem(`Solution ${id}: ${e.message}`);
    }
  }

  function setUsed(kb) {
    used = kb;
    $('#kb-used').hidden = !kb;
    $('#kb-used-title').textContent = kb ? kb.title : '';
  }

  $('#kb-search').addEventListener('input', search);
  $('#kb-use').addEventListener('click', () => {
    if (!shown) {
      return;
    }
    setUsed({ id: shown.id, title: shown.title });
    onUsedChanged();
  });
  $('#kb-used-clear').addEventListener('click', () => { setUsed(null); onUsedChanged(); });

  return { show, used: () => used, setUsed, focus: () => $('#kb-search').focus() };
}
