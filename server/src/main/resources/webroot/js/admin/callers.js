// Callers as an admin sees them: a paged search, an editor with merging of duplicates, the
// organisations (renamed for all their callers at once), and a CSV import checked before it is written.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';
import { mountCsvImport } from './csv-import.js';

const PAGE = 25;

function shown(el, text, isError) {
  el.textContent = text;
  if (isError !== undefined) {
    el.hidden = !text;
  }
}

/** Wires the page; `canChange` false leaves it read-only. */
export async function mountCallersAdmin({ canChange }) {
  let offset = 0;
  let current = null;
  const filter = $('#caller-filter');
  const form = $('#caller-form');

  document.querySelectorAll('.admin-only').forEach((el) => { el.hidden = !canChange; });
  for (const el of form.elements) {
    if (el.tagName !== 'BUTTON') {
      el.disabled = !canChange;
    }
  }

  async function load() {
    shown($('#callers-error'), '', true);
    const q = filter.q.value.trim();
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (q) {
      params.set('q', q);
    }
    try {
      const r = await api('GET', `/api/callers?${params}`);
      fill($('#callers-table tbody'), r.items.length === 0
        ? h('tr', {}, h('td', { class: 'empty', colspan: '6' }, 'No caller matches.'))
        : r.items.map((c) => h('tr', { class: current && current.id === c.id ? 'selected' : null, dataset: { id: c.id } },
          h('td', { class: 'num' }, String(c.id)),
          h('td', {}, h('button', { type: 'button', class: 'link', text: c.name, on: { click: () => open(c.id) } })),
          h('td', {}, c.organisation || ''),
          h('td', {}, c.email || ''),
          h('td', {}, c.phones.join(', ')),
          h('td', {}, c.vip ? 'VIP' : ''))));
      const last = Math.min(offset + r.items.length, r.total);
      $('#callers-count').textContent = r.total === 0 ? 'No callers' : `${offset + 1}–${last} of ${r.total}`;
      $('#callers-prev').disabled = offset === 0;
      $('#callers-next').disabled = offset + PAGE >= r.total;
      document.body.dataset.callersLoaded = params.toString();
    } catch (e) {
      shown($('#callers-error'), e.message, true);
    }
  }

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
    offset = 0;
    load();
  });
  $('#callers-prev').addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    load();
  });
  $('#callers-next').addEventListener('click', () => {
    offset += PAGE;
    load();
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

  let lookup = null;
  $('#caller-merge-from').addEventListener('input', () => {
    clearTimeout(lookup);
    const raw = $('#caller-merge-from').value.trim();
    lookup = setTimeout(async () => {
      if (!/^[0-9]{1,18}$/.test(raw)) {
        $('#caller-merge-what').textContent = raw ? 'Type the number shown in the list’s # column.' : '';
        return;
      }
      try {
        const d = await api('GET', `/api/callers/${raw}`);
        $('#caller-merge-what').textContent = `#${d.id}: ${d.name}${d.organisation ? `, ${d.organisation}` : ''}`
          + ` (${d.history.length} recent calls, ${d.openTickets.length} open tickets)`;
      } catch (e) {
        $('#caller-merge-what').textContent = e.message;
      }
    }, 250);
  });
  $('#caller-merge').addEventListener('submit', async (event) => {
    event.preventDefault();
    const raw = $('#caller-merge-from').value.trim();
    const from = /^[0-9]{1,18}$/.test(raw) ? Number(raw) : raw;
    try {
      const kept = await api('POST', `/api/callers/${current.id}/merge`, { from });
      show(kept);
      say(`Caller #${raw} was merged into #${kept.id}.`);
      await load();
    } catch (e) {
      fail(e);
      if (e.field === 'from') {
        $('#caller-merge-from').focus();
      }
    }
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
            on: { click: () => { filter.q.value = o.name; offset = 0; load(); $('#org-from').value = o.name; } },
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
    onImported: async () => {
      await load();
      await loadOrgs();
    },
  });

  await Promise.all([load(), loadOrgs()]);
}
