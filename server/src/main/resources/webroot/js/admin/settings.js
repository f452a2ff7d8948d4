// The settings on /admin/settings: pause reasons, desk queues and wallboard thresholds (admins change them; each
// change is in force at once and audited), and the settings fixed at start, read-only.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';

/** The parts of one row of thresholds, in the table's column order, with the words that label their inputs. */
const PARTS = [
  ['serviceLevelSeconds', 'service level seconds'],
  ['waiting.amber', 'waiting amber'], ['waiting.red', 'waiting red'],
  ['longestWaitSeconds.amber', 'longest wait amber'], ['longestWaitSeconds.red', 'longest wait red'],
  ['serviceLevelPercent.amber', 'service level percent amber'], ['serviceLevelPercent.red', 'service level percent red'],
];

function lines(textarea) {
  return textarea.value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

function get(t, path) {
  return path.split('.').reduce((o, k) => o[k], t);
}

function set(t, path, value) {
  const keys = path.split('.');
  const last = keys.pop();
  keys.reduce((o, k) => { o[k] = o[k] || {}; return o[k]; }, t)[last] = value;
}

export async function mountSettings({ canChange }) {
  const rows = $('#thresholds-table tbody');

  function clear(form) {
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    form.querySelectorAll('.error').forEach((el) => { el.hidden = true; });
    form.querySelectorAll('.ok-text').forEach((el) => { el.textContent = ''; });
  }

  function refuse(errorEl, e, inputs) {
    errorEl.textContent = e.message;
    errorEl.hidden = false;
    inputs.forEach((el) => el.setAttribute('aria-invalid', 'true'));
    if (inputs[0]) {
      inputs[0].focus();
    }
  }

  function thresholdRow(t, queue) {
    const label = queue === null ? 'every queue' : (queue || 'new queue');
    const cells = PARTS.map(([part, words]) => h('td', {}, h('input', {
      type: 'number', inputmode: 'numeric', min: '0', step: '1', value: String(get(t, part)), dataset: { part },
      'aria-label': `${label}: ${words}`, disabled: !canChange,
    })));
    const name = queue === null
      ? h('th', { scope: 'row', text: 'Defaults (every queue)' })
      : h('td', {}, h('input', { class: 'queue-name', value: queue, maxlength: '80', spellcheck: 'false', autocomplete: 'off',
        dataset: { part: 'queue' }, 'aria-label': 'Queue name', disabled: !canChange }));
    const remove = queue === null || !canChange ? h('td', {})
      : h('td', {}, h('button', { type: 'button', text: 'Remove', 'aria-label': `Remove the thresholds of ${label}`,
        on: { click: (event) => event.target.closest('tr').remove() } }));
    return h('tr', { dataset: { row: queue === null ? 'defaults' : 'queue' } }, name, ...cells, remove);
  }

  function show(s) {
    $('#reasons').value = s.pauseReasons.join('\n');
    $('#queues').value = s.queues.join('\n');
    fill(rows, thresholdRow(s.thresholds.defaults, null), s.thresholds.queues.map((t) => thresholdRow(t, t.queue)));
    fill($('#start-table tbody'), s.startOnly.map((r) => h('tr', {},
      h('th', { scope: 'row', text: r.name }), h('td', { text: r.value }), h('td', {}, h('code', { text: r.variable })))));
  }

  function readRow(tr) {
    const t = {};
    tr.querySelectorAll('input[data-part]').forEach((input) => {
      const part = input.dataset.part;
      set(t, part, part === 'queue' ? input.value.trim() : (input.value === '' ? null : Number(input.value)));
    });
    return t;
  }

  /** The inputs a server's field name points at: {@code queues[1].waiting} is the second queue's two waiting inputs. */
  function inputsOf(field) {
    const m = /^(defaults|queues\[(\d+)\])(?:\.(.*))?$/.exec(field || '');
    if (!m) {
      return [];
    }
    const tr = m[2] === undefined ? rows.querySelector('tr[data-row="defaults"]')
      : rows.querySelectorAll('tr[data-row="queue"]')[Number(m[2])];
    if (!tr) {
      return [];
    }
    const part = m[3] || '';
    return [...tr.querySelectorAll('input[data-part]')]
      .filter((i) => part === '' || i.dataset.part === part || i.dataset.part.startsWith(`${part}.`));
  }

  async function save(form, errorEl, doneEl, path, body, inputs, what) {
    clear(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      show(await api('PUT', path, body));
      doneEl.textContent = `Saved: the ${what} are in force.`;
      document.body.dataset.saved = what;
    } catch (e) {
      refuse(errorEl, e, inputs(e));
    } finally {
      button.disabled = false;
    }
  }

  $('#reasons-form').addEventListener('submit', (event) => {
    event.preventDefault();
    save($('#reasons-form'), $('#reasons-error'), $('#reasons-done'), '/api/settings/pause-reasons',
      { pauseReasons: lines($('#reasons')) }, () => [$('#reasons')], 'pause reasons');
  });
  $('#queues-form').addEventListener('submit', (event) => {
    event.preventDefault();
    save($('#queues-form'), $('#queues-error'), $('#queues-done'), '/api/settings/queues',
      { queues: lines($('#queues')) }, () => [$('#queues')], 'desk queues');
  });
  $('#thresholds-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const defaults = readRow(rows.querySelector('tr[data-row="defaults"]'));
    const queues = [...rows.querySelectorAll('tr[data-row="queue"]')].map(readRow);
    save($('#thresholds-form'), $('#thresholds-error'), $('#thresholds-done'), '/api/settings/thresholds',
      { defaults, queues }, (e) => inputsOf(e.field), 'thresholds');
  });
  $('#threshold-add').addEventListener('click', () => {
    const row = thresholdRow(readRow(rows.querySelector('tr[data-row="defaults"]')), '');
    rows.append(row);
    row.querySelector('input.queue-name').focus();
  });

  document.querySelectorAll('#settings-area .change').forEach((el) => { el.hidden = !canChange; });
  $('#reasons').readOnly = !canChange;
  $('#queues').readOnly = !canChange;
  show(await api('GET', '/api/settings'));
  document.body.dataset.ready = 'true';
}
