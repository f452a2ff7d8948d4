// Callers as an admin sees them: a paged search, an editor with merging of duplicates, the
// organisations (renamed for all their callers at once), and a CSV import checked before it is written.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';
import { mountCsvImport } from './csv-import.js';
import { mountMergeBox } from './merge-box.js';
import { pagedTable } from './paged-table.js';

function shown(el, text, isError) {
  el.textContent = text;
  if (isError !== undefined) {
    el.hidden = !text;
  }
}

/** Wires the page; `canChange` false leaves it read-only. */
export async function mountCallersAdmin({ canChange }) {
  let current = null;
  const filter = $('#caller-filter');
  const form = $('#caller-form');

  document.querySelectorAll('.admin-only').forEach((el) => { el.hidden = !canChange; });
  for (const el of form.elements) {
    if (el.tagName !== 'BUTTON') {
      el.disabled = !canChange;
    }
  }

  const callers = pagedTable({
    name: 'callers',
    path: '/api/callers',
    params: () => {
      const q = filter.q.value.trim();
      return new URLSearchParams(q ? { q } : {});
    },
    row: (c) => h('tr', { class: current && current.id === c.id ? 'selected' : null, dataset: { id: c.id } },
      h('td', { class: 'num' }, String(c.id)),
      h('td', {}, h('button', { type: 'button', class: 'link', text: c.name, on: { click: () => open(c.id) } })),
      h('td', {}, c.organisation || ''),
      h('td', {}, c.email || ''),
      h('td', {}, c.phones.join(', ')),
      h('td', {}, c.vip ? 'VIP' : '')),
    columns: 6,
    empty: 'No caller matches.',
    none: 'No callers',
    loaded: 'callersLoaded',
  });
  const load = callers.load;

  function say(text) {
    shown($('#caller-form-error'), '', true);
    $('#caller-message').textContent = text;
  }

  function fail(e) {
    $('#caller-message').textContent = '';
    shown($('#caller-form-error'), e.message, true);
    const name = e.field && e.field.replace(/\[.*$/, '');
    const field = name && form.elements[name];
    if (field && field.focus) {
      field.focus();
    }
  }

  function show(c) {
    current = c;
    $('#caller-editor').hidden = false;
    $('#caller-editor-title').textContent = `Caller #${c.id}`;
    form.name.value = c.name;
    form.organisation.value = c.organisation || '';
    form.email.value = c.email || '';
    form.phones.value = c.phones.join('\n');
    form.vip.checked = c.vip;
    $('#caller-merge-from').value = '';
    $('#caller-merge-what').textContent = '';
    document.querySelectorAll('#callers-table tbody tr').forEach((tr) => {
      tr.classList.toggle('selected', tr.dataset.id === String(c.id));
    });
  }

  async function open(id) {
    try {
      say('');
      show(await api('GET', `/api/callers/${id}`));
      form.name.focus();
    } catch (e) {
      fail(e);
    }
  }

  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    callers.first();
  });
  $('#caller-close').addEventListener('click', () => {
    current = null;
    $('#caller-editor').hidden = true;
    load();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      name: form.name.value,
      organisation: form.organisation.value,
      email: form.email.value,
      phones: form.phones.value.split(/[\n;]/).map((p) => p.trim()).filter(Boolean),
      vip: form.vip.checked,
    };
    try {
      const saved = await api('PATCH', `/api/callers/${current.id}`, body);
      show(saved);
      say(`Saved caller #${saved.id}.`);
      await load();
      await loadOrgs();
    } catch (e) {
      fail(e);
    }
  });

  mountMergeBox({
    prefix: 'caller',
    path: '/api/callers',
    kept: () => current,
    describe: (d) => `#${d.id}: ${d.name}${d.organisation ? `, ${d.organisation}` : ''}`
      + ` (${d.history.length} recent calls, ${d.openTickets.length} open tickets)`,
    merged: async (kept, from) => {
      show(kept);
      say(`Caller #${from} was merged into #${kept.id}.`);
      await load();
    },
    fail,
  });

  // Organisations
  async function loadOrgs() {
    const q = $('#org-q').value.trim();
    try {
      const r = await api('GET', `/api/callers/organisations?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
      fill($('#orgs-table tbody'), r.items.length === 0
        ? h('tr', {}, h('td', { class: 'empty', colspan: '2' }, 'No organisation matches.'))
        : r.items.map((o) => h('tr', {},
          h('td', {}, h('button', {
            type: 'button', class: 'link', text: o.name,
            on: { click: () => { filter.q.value = o.name; callers.first(); $('#org-from').value = o.name; } },
          })),
          h('td', { class: 'num' }, String(o.callers)))));
      fill($('#org-names'), r.items.map((o) => h('option', { value: o.name })));
    } catch (e) {
      shown($('#org-error'), e.message, true);
    }
  }
  $('#org-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    loadOrgs();
  });
  $('#org-rename').addEventListener('submit', async (event) => {
    event.preventDefault();
    shown($('#org-error'), '', true);
    $('#org-message').textContent = '';
    try {
      const r = await api('POST', '/api/callers/organisations/rename', { from: $('#org-from').value, to: $('#org-to').value });
      $('#org-message').textContent = `“${r.from}” is now “${r.to}” for ${r.callers} ${r.callers === 1 ? 'caller' : 'callers'}.`;
      await loadOrgs();
      await load();
    } catch (e) {
      shown($('#org-error'), e.message, true);
      const f = e.field === 'to' ? $('#org-to') : $('#org-from');
      f.focus();
    }
  });

  mountCsvImport($('#import'), {
    path: '/api/callers/import',
    noun: 'caller',
    warnings: true,
    onImported: async () => {
      await load();
      await loadOrgs();
    },
  });

  await Promise.all([load(), loadOrgs()]);
}
