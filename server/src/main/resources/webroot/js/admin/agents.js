// The agents on /admin: a paged list with search, an editor to create or change one, deactivation, and password resets.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';

const PAGE = 25;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A password for a person to type once, as the server makes them: 16 characters without look-alikes. */
function generatedPassword() {
  const bytes = new Uint32Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

const INPUTS = {
  username: '#agent-username', name: '#agent-name', role: '#agent-role', interface: '#agent-interface',
  stateInterface: '#agent-state-interface', password: '#agent-password', active: '#agent-active', mayJoin: '#may-join-only',
};

function field(name) {
  return $(INPUTS[name]);
}

/** `deskQueues`: the queues an agent may be allowed to join (the run-time settings' desk queues). */
export function mountAgents({ me, deskQueues }) {
  const rows = $('#agent-table tbody');
  const form = $('#agent-form');
  const editor = $('#agent-editor');
  const error = $('#agent-error');
  const done = $('#agent-done');
  const shownOnce = $('#shown-once');
  let query = '';
  let offset = 0;
  let editing = null; // the agent being edited, or null when creating

  function say(text) {
    done.textContent = text;
    done.hidden = !text;
  }

  function listFailed(e) {
    const el = $('#agent-list-error');
    el.textContent = e.message;
    el.hidden = false;
  }

  function refuse(el, e, inputs) {
    el.textContent = e.message;
    el.hidden = false;
    // "mayJoin[0]" is the list's field as a whole here
    const name = e.field ? e.field.replace(/\[\d+\]$/, '') : null;
    const input = name && inputs[name] ? $(inputs[name]) : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  function clearErrors() {
    error.hidden = true;
    $('#reset-error').hidden = true;
    editor.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  }

  function showOnce(agent, password) {
    fill(shownOnce, `The password of ${agent.username} is `, h('code', { text: password }),
      ' — shown this once: give it to them now. They can change it on “Change password”.');
    shownOnce.hidden = false;
    shownOnce.scrollIntoView({ block: 'nearest' });
  }

  async function load() {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (query) {
      params.set('q', query);
    }
    const page = await api('GET', `/api/agents?${params}`);
    $('#agent-list-error').hidden = true;
    fill(rows, page.items.length === 0
      ? h('tr', {}, h('td', { class: 'empty', colspan: '6', text: query ? `No agent matches “${query}”.` : 'No agents yet.' }))
      : page.items.map((a) => h('tr', { class: a.active ? null : 'inactive', dataset: { username: a.username } },
        h('td', { text: a.username }),
        h('td', { text: a.name }),
        h('td', { text: a.role }),
        h('td', { text: a.interface || '—' }),
        h('td', { text: a.active ? 'active' : 'deactivated' }),
        h('td', {}, h('button', { type: 'button', text: 'Edit', 'aria-label': `Edit ${a.username}`,
          on: { click: () => edit(a) } })))));
    const last = Math.min(page.offset + page.items.length, page.total);
    $('#agent-count').textContent = page.total === 0 ? '0 agents'
      : `${page.offset + 1}–${last} of ${page.total} agent${page.total === 1 ? '' : 's'}`;
    $('#agent-prev').disabled = page.offset === 0;
    $('#agent-next').disabled = last >= page.total;
    $('#agents').hidden = false;
    document.body.dataset.agents = `${query}|${offset}|${page.total}`;
  }

  function open(agent) {
    editing = agent;
    clearErrors();
    shownOnce.hidden = true;
    say('');
    form.reset();
    $('#reset-form').reset();
    $('#agent-editor-title').textContent = agent ? `Edit ${agent.username}` : 'New agent';
    $('#username-field').hidden = !!agent;
    $('#password-field').hidden = !!agent;
    $('#may-join-field').hidden = !agent;
    showMayJoin(agent ? agent.mayJoin : null);
    // One's own password is changed on /account, which asks for the current one and keeps this session.
    $('#reset-form').hidden = !agent || agent.id === me.id;
    $('#agent-save').textContent = agent ? 'Save changes' : 'Create agent';
    const active = $('#agent-active');
    active.hidden = !agent || agent.id === me.id;
    if (agent) {
      field('name').value = agent.name;
      field('role').value = agent.role;
      field('interface').value = agent.interface || '';
      field('stateInterface').value = agent.stateInterface || '';
      active.textContent = agent.active ? 'Deactivate' : 'Reactivate';
      active.className = agent.active ? 'danger' : '';
    }
    // One's own role cannot be taken away here (the API refuses it too).
    field('role').disabled = !!agent && agent.id === me.id;
    editor.hidden = false;
    field(agent ? 'name' : 'username').focus();
  }

  function showMayJoin(mayJoin) {
    $('#may-join-all').checked = mayJoin === null;
    $('#may-join-only').checked = mayJoin !== null;
    // Only desk queues can be chosen: one allowed before but since taken off the desk is dropped when saved.
    fill($('#may-join-queues'), deskQueues.map((q) => h('label', { class: 'checkline' },
      h('input', { type: 'checkbox', name: 'mayJoinQueue', value: q, checked: mayJoin !== null && mayJoin.includes(q),
        disabled: mayJoin === null, on: { change: () => { $('#may-join-only').checked = true; } } }), ` ${q}`)));
  }

  function chosenMayJoin() {
    if ($('#may-join-all').checked) {
      return null;
    }
    return [...document.querySelectorAll('#may-join-queues input:checked')].map((i) => i.value);
  }

  function edit(agent) {
    open(agent);
  }

  async function save(event) {
    event.preventDefault();
    clearErrors();
    shownOnce.hidden = true;
    const text = (name) => field(name).value.trim();
    $('#agent-save').disabled = true;
    try {
      if (editing) {
        const body = { name: text('name'), interface: text('interface') || null, stateInterface: text('stateInterface') || null };
        const mayJoin = chosenMayJoin();
        if (JSON.stringify(mayJoin) !== JSON.stringify(editing.mayJoin)) {
          body.mayJoin = mayJoin;
        }
        if (field('role').value !== editing.role) {
          body.role = field('role').value;
        }
        editing = await api('PATCH', `/api/agents/${editing.id}`, body);
        open(editing);
        say(`Saved ${editing.username}.`);
      } else {
        const typed = field('password').value;
        const password = typed || generatedPassword();
        const body = { username: text('username'), name: text('name'), role: field('role').value, password };
        if (text('interface')) {
          body.interface = text('interface');
        }
        if (text('stateInterface')) {
          body.stateInterface = text('stateInterface');
        }
        const created = await api('POST', '/api/agents', body);
        open(created);
        say(`Created ${created.username}.`);
        if (!typed) {
          showOnce(created, password);
        }
      }
      await load();
    } catch (e) {
      refuse(error, e, INPUTS);
    } finally {
      $('#agent-save').disabled = false;
    }
  }

  async function toggleActive() {
    clearErrors();
    const active = !editing.active;
    try {
      editing = await api('PATCH', `/api/agents/${editing.id}`, { active });
      open(editing);
      say(active ? `${editing.username} can sign in again.`
        : `${editing.username} is deactivated: their sessions have ended and they cannot sign in.`);
      await load();
    } catch (e) {
      refuse(error, e, INPUTS);
    }
  }

  async function reset(generate) {
    clearErrors();
    shownOnce.hidden = true;
    const input = $('#reset-password');
    const body = generate ? { generate: true } : { password: input.value };
    if (!generate && !input.value) {
      refuse($('#reset-error'), { message: 'Type the new password, or press “Generate one”.', field: 'password' },
        { password: '#reset-password' });
      return;
    }
    try {
      const r = await api('POST', `/api/agents/${editing.id}/password`, body);
      $('#reset-form').reset();
      if (r.password) {
        showOnce(r.agent, r.password);
      }
      say(`The password of ${r.agent.username} has been changed; their sessions have ended.`);
    } catch (e) {
      refuse($('#reset-error'), e, { password: '#reset-password' });
    }
  }

  $('#agent-search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    query = $('#agent-search').value.trim();
    offset = 0;
    load().catch(listFailed);
  });
  $('#agent-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load().catch(listFailed); });
  $('#agent-next').addEventListener('click', () => { offset += PAGE; load().catch(listFailed); });
  $('#agent-new').addEventListener('click', () => open(null));
  $('#agent-cancel').addEventListener('click', () => { editor.hidden = true; editing = null; });
  form.addEventListener('submit', save);
  $('#agent-active').addEventListener('click', toggleActive);
  document.querySelectorAll('input[name="mayJoinMode"]').forEach((radio) => radio.addEventListener('change', () => {
    document.querySelectorAll('#may-join-queues input').forEach((box) => { box.disabled = $('#may-join-all').checked; });
  }));
  $('#reset-form').addEventListener('submit', (event) => { event.preventDefault(); reset(false); });
  $('#reset-generate').addEventListener('click', () => reset(true));
  return { load };
}
