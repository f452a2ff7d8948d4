// The knowledge base as an admin sees it: a paged list (search, category, in use/retired, never used),
// and an editor to create, change, retire, restore and merge articles.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';
import { mountCsvImport } from './csv-import.js';

const PAGE = 25;

/** Wires the list and the editor; `canChange` false shows everything read-only. */
export async function mountKbAdmin({ canChange }) {
  let offset = 0;
  let total = 0;
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

  function query() {
    const p = new URLSearchParams();
    const f = new FormData(filter);
    for (const [k, v] of f.entries()) {
      if (v && !(k === 'status' && v === 'active')) {
        p.set(k, v);
      }
    }
    p.set('limit', String(PAGE));
    p.set('offset', String(offset));
    return p.toString();
  }

  function status(a) {
    if (a.mergedIntoId) {
      return `merged into #${a.mergedIntoId}`;
    }
    return a.retiredAt ? 'retired' : 'in use';
  }

  async function load() {
    $('#kb-error').hidden = true;
    try {
      const r = await api('GET', `/api/kb?${query()}`);
      total = r.total;
      fill($('#kb-table tbody'), r.items.length === 0
        ? h('tr', {}, h('td', { class: 'empty', colspan: '5' }, 'No article matches.'))
        : r.items.map((a) => h('tr', { class: current && current.id === a.id ? 'selected' : null, dataset: { id: a.id } },
          h('td', { class: 'num' }, String(a.id)),
          h('td', {}, h('button', { type: 'button', class: 'link', text: a.title, on: { click: () => open(a.id) } })),
          h('td', {}, a.category),
          h('td', { class: 'num' }, String(a.timesUsed)),
          h('td', {}, status(a)))));
      const last = Math.min(offset + r.items.length, total);
      $('#kb-count').textContent = total === 0 ? 'No articles' : `${offset + 1}–${last} of ${total}`;
      $('#kb-prev').disabled = offset === 0;
      $('#kb-next').disabled = offset + PAGE >= total;
      document.body.dataset.kbLoaded = query();
    } catch (e) {
      $('#kb-error').textContent = e.message;
      $('#kb-error').hidden = false;
    }
  }

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
    offset = 0;
    load();
  });
  filter.addEventListener('change', () => {
    offset = 0;
    load();
  });
  $('#kb-prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    load();
  });
  $('#kb-next').addEventListener('click', () => {
    offset += PAGE;
    load();
  });
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

  let lookup = null;
  $('#kb-merge-from').addEventListener('input', () => {
    clearTimeout(lookup);
    const raw = $('#kb-merge-from').value.trim();
    lookup = setTimeout(async () => {
      if (!/^[0-9]{1,18}$/.test(raw)) {
        $('#kb-merge-what').textContent = raw ? 'Type the number shown in the list’s # column.' : '';
        return;
      }
      try {
        const d = await api('GET', `/api/kb/${raw}`);
        $('#kb-merge-what').textContent = `#${d.id}: ${d.title} (used ${d.timesUsed}×, ${status(d)})`;
      } catch (e) {
        $('#kb-merge-what').textContent = e.message;
      }
    }, 250);
  });
  $('#kb-merge').addEventListener('submit', async (event) => {
    event.preventDefault();
    const raw = $('#kb-merge-from').value.trim();
    const from = /^[0-9]{1,18}$/.test(raw) ? Number(raw) : raw;
    try {
      const kept = await api('POST', `/api/kb/${current.id}/merge`, { from });
      show(kept);
      say(`Article #${raw} was merged into #${kept.id}; it is now used ${kept.timesUsed}×.`);
      await load();
    } catch (e) {
      fail(e);
      if (e.field === 'from') {
        $('#kb-merge-from').focus();
      }
    }
  });

  mountCsvImport($('#kb-import'), { path: '/api/kb/import', noun: 'article', onImported: load });

  await load();
}
