// The knowledge base as an admin sees it: a paged list (search, category, in use/retired, never used),
// and an editor to create, change, retire, restore and merge articles.
import { api } from '../api.js';
import { $, h } from '../dom.js';
import { mountCsvImport } from './csv-import.js';
import { mountMergeBox } from './merge-box.js';
import { pagedTable } from './paged-table.js';

/** Wires the list and the editor; `canChange` false shows everything read-only. */
export async function mountKbAdmin({ canChange }) {
  let current = null; // the article in the editor; null for a new one
  const filter = $('#kb-filter');
  const form = $('#kb-form');

  document.querySelectorAll('.admin-only').forEach((el) => { el.hidden = !canChange; });
  $('#kb-new').hidden = !canChange;
  for (const el of form.elements) {
    if (el.tagName !== 'BUTTON') {
      el.disabled = !canChange;
    }
  }

  function status(a) {
    if (a.mergedIntoId) {
      return `merged into #${a.mergedIntoId}`;
    }
    return a.retiredAt ? 'retired' : 'in use';
  }

  const articles = pagedTable({
    name: 'kb',
    path: '/api/kb',
    params: () => {
      const p = new URLSearchParams();
      for (const [k, v] of new FormData(filter).entries()) {
        if (v && !(k === 'status' && v === 'active')) {
          p.set(k, v);
        }
      }
      return p;
    },
    row: (a) => h('tr', { class: current && current.id === a.id ? 'selected' : null, dataset: { id: a.id } },
      h('td', { class: 'num' }, String(a.id)),
      h('td', {}, h('button', { type: 'button', class: 'link', text: a.title, on: { click: () => open(a.id) } })),
      h('td', {}, a.category),
      h('td', { class: 'num' }, String(a.timesUsed)),
      h('td', {}, status(a))),
    columns: 5,
    empty: 'No article matches.',
    none: 'No articles',
    loaded: 'kbLoaded',
  });
  const load = articles.load;

  function say(text) {
    $('#kb-form-error').hidden = true;
    $('#kb-message').textContent = text;
  }

  function fail(e) {
    $('#kb-message').textContent = '';
    $('#kb-form-error').textContent = e.message;
    $('#kb-form-error').hidden = false;
    const field = e.field && form.elements[e.field === 'category' ? 'category' : e.field];
    if (field && field.focus) {
      field.focus();
    }
  }

  function show(a) {
    current = a;
    $('#kb-editor').hidden = false;
    $('#kb-editor-title').textContent = a ? `Article #${a.id}` : 'New article';
    $('#kb-state').textContent = a ? `${status(a)} · used ${a.timesUsed}×` : 'Not saved yet.';
    form.title.value = a ? a.title : '';
    form.category.value = a ? a.category : 'other';
    form.problem.value = a ? a.problem : '';
    form.solution.value = a ? a.solution : '';
    $('#kb-retire').hidden = !canChange || !a || Boolean(a.retiredAt);
    $('#kb-restore').hidden = !canChange || !a || !a.retiredAt || Boolean(a.mergedIntoId);
    $('#kb-merge').hidden = !canChange || !a || Boolean(a.retiredAt);
    $('#kb-merge-from').value = '';
    $('#kb-merge-what').textContent = '';
    document.querySelectorAll('#kb-table tbody tr').forEach((tr) => {
      tr.classList.toggle('selected', Boolean(a) && tr.dataset.id === String(a.id));
    });
  }

  async function open(id) {
    try {
      say('');
      show(await api('GET', `/api/kb/${id}`));
      form.title.focus();
    } catch (e) {
      fail(e);
    }
  }

  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    articles.first();
  });
  filter.addEventListener('change', () => articles.first());
  $('#kb-new').addEventListener('click', () => {
    say('');
    show(null);
    form.title.focus();
  });
  $('#kb-close').addEventListener('click', () => {
    current = null;
    $('#kb-editor').hidden = true;
    load();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      title: form.title.value, category: form.category.value, problem: form.problem.value, solution: form.solution.value,
    };
    try {
      const saved = current ? await api('PATCH', `/api/kb/${current.id}`, body) : await api('POST', '/api/kb', body);
      show(saved);
      say(`Saved article #${saved.id}.`);
      await load();
    } catch (e) {
      fail(e);
    }
  });

  async function setRetired(retired) {
    try {
      const a = await api('POST', `/api/kb/${current.id}/${retired ? 'retire' : 'restore'}`, {});
      show(a);
      say(retired ? `Article #${a.id} is retired: the desk no longer finds or suggests it.` : `Article #${a.id} is in use again.`);
      await load();
    } catch (e) {
      fail(e);
    }
  }
  $('#kb-retire').addEventListener('click', () => setRetired(true));
  $('#kb-restore').addEventListener('click', () => setRetired(false));

  mountMergeBox({
    prefix: 'kb',
    path: '/api/kb',
    kept: () => current,
    describe: (d) => `#${d.id}: ${d.title} (used ${d.timesUsed}×, ${status(d)})`,
    merged: async (kept, from) => {
      show(kept);
      say(`Article #${from} was merged into #${kept.id}; it is now used ${kept.timesUsed}×.`);
      await load();
    },
    fail,
  });

  mountCsvImport($('#kb-import'), { path: '/api/kb/import', noun: 'article', onImported: load });

  await load();
}
