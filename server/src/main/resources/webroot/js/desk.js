// The agent desktop: status and queues, the ringing call and its pop, the outcome form with drafts
// that survive reloads, knowledge base, callbacks, tickets, transfer and today's figures.
import { api, session, signOut } from './api.js';
import { h, fill, $, duration, when } from './dom.js';
import { connectLive } from './desk/live.js';
import { menuWords, outcomeWords, callerLabel } from './desk/words.js';
import { agentStore } from './desk/store.js';
import { mountKb } from './desk/kb.js';
import { mountCallbacks } from './desk/callbacks.js';
import { answerLine, asteriskSays, refused } from './desk/answers.js';
import { mountStatus } from './desk/status.js';
import { mountOutcome } from './desk/outcome.js';
import { mountTransfer } from './desk/transfer.js';

const state = {
  me: null,
  member: { state: 'unknown', pauseReason: null, since: null, queues: [] },
  availableQueues: [],
  call: null, // {msg, phase: 'ringing'|'connected'|'ended', endedAt, saved}
  ringing: null, // a call ringing while another is shown (e.g. during wrap-up)
  ticketShown: null,
  pauseAsked: false,
  lastMiss: null,
};

let store = null; // the agent's, made in start()

// ---------------------------------------------------------------------------------- notices

function notice(kind, text, id) {
  const box = $('#notices');
  if (id && box.querySelector(`[data-id="${id}"]`)) {
    box.querySelector(`[data-id="${id}"]`).remove();
  }
  const close = h('button', { type: 'button', class: 'small', text: 'Dismiss' });
  const el = h('div', { class: `banner ${kind}`, role: 'alert', dataset: id ? { id } : {} }, h('span', { text }), close);
  close.addEventListener('click', () => el.remove());
  box.append(el);
}

// ---------------------------------------------------------------------------------- the call

function onCallMessage(msg) {
  const c = state.call;
  const same = c && c.msg.call.linkedid === msg.call.linkedid;
  if (msg.type === 'call.ringing') {
    state.ringing = msg;
  } else if (msg.type === 'call.updated') {
    if (state.ringing && state.ringing.call.linkedid === msg.call.linkedid) {
      state.ringing = withData(state.ringing, msg);
    }
  } else if (state.ringing && state.ringing.call.linkedid === msg.call.linkedid) {
    state.ringing = null;
  }
  switch (msg.type) {
    case 'call.ringing':
      if (!c || c.phase === 'ringing' || (c.phase === 'ended' && c.saved)) {
        state.call = { msg, phase: 'ringing' };
        renderCall();
      }
      break;
    case 'call.connected':
      if (same && c.phase === 'connected') {
        state.call.msg = mergePop(c.msg, msg);
        state.call.confirmed = true;
      } else {
        if (c && c.phase === 'ended' && !c.saved && !same) {
          notice('warn', `The outcome of the call with ${callerLabel(c.msg)} was not saved; its draft is kept.`);
        }
        state.call = { msg: same ? mergePop(c.msg, msg) : msg, phase: 'connected', connectedAt: Date.now(), confirmed: true };
      }
      saveCall();
      renderCall();
      outcome.loadDraft();
      break;
    case 'call.updated':
      // The caller's data, come after the pop (or the word that the database could not give it).
      if (same) {
        state.call.msg = withData(c.msg, msg);
        saveCall();
        renderCall();
      }
      break;
    case 'call.withdrawn':
    case 'call.missed':
      if (msg.type === 'call.missed') {
        state.lastMiss = { at: Date.now(), seconds: msg.ringSeconds || 0 };
      }
      if (same && c.phase === 'ringing') {
        state.call = restoredCall();
        renderCall();
      }
      break;
    case 'call.ended':
      if (same && c.phase === 'connected') {
        c.phase = 'ended';
        c.endedAt = Date.now();
        saveCall();
        renderCall();
      } else if (same && c.phase === 'ringing') {
        state.call = restoredCall();
        renderCall();
      }
      break;
    default:
      break;
  }
  status.render();
}

/** Keeps what the agent learnt on this call (an attached caller) when the server re-sends the pop. */
function mergePop(old, fresh) {
  if (!fresh.caller && old.caller) {
    return { ...fresh, caller: old.caller, history: old.history, openTickets: old.openTickets, unknownCaller: null };
  }
  return fresh;
}

/** A call's message with the caller's data of a later call.updated; a caller the agent attached stays. */
function withData(old, update) {
  const call = { ...old.call, id: update.call.id || old.call.id };
  const merged = { ...old, call, caller: update.caller, unknownCaller: update.unknownCaller, history: update.history,
    openTickets: update.openTickets, suggestions: update.suggestions, callerData: update.callerData };
  return mergePop(old, merged);
}

function saveCall() {
  const c = state.call;
  if (c && c.phase !== 'ringing') {
    store.set('call', c);
  }
}

function restoredCall() {
  const saved = store.get('call');
  return saved && saved.phase !== 'ringing' ? saved : null;
}

function renderCall() {
  const c = state.call;
  const card = $('#call-card');
  card.classList.toggle('ringing', !!c && c.phase === 'ringing');
  card.classList.toggle('connected', !!c && c.phase === 'connected');
  $('#call-idle').hidden = !!c;
  $('#call').hidden = !c;
  outcome.renderHeader();
  transfer.show(c);
  if (!c) {
    $('#call-title').textContent = 'No call';
    return;
  }
  const { msg } = c;
  $('#call-title').textContent = { ringing: 'Ringing', connected: 'On call', ended: 'Wrap-up' }[c.phase];
  $('#caller-name').textContent = callerLabel(msg);
  $('#caller-vip').hidden = !(msg.caller && msg.caller.vip);
  // Without the caller's data (database away or slow) nothing can be said to be missing from it.
  const lookedUp = !msg.callerData || msg.callerData === 'loaded';
  const missing = { pending: 'Loading…', unavailable: 'Unavailable' }[msg.callerData];
  $('#caller-org').textContent = msg.caller ? (msg.caller.organisation || 'No organisation')
    : (lookedUp ? 'Not in the problems database' : 'Not known yet');
  $('#call-number').textContent = msg.call.callerNumber || 'withheld';
  $('#call-menu').textContent = menuWords(msg.call.menuPath) + (msg.call.ticketTyped ? ` (typed ticket ${msg.call.ticketTyped})` : '');
  $('#call-waited').textContent = duration(msg.call.waitSeconds);
  $('#call-queue').textContent = msg.call.queue || '—';
  const data = $('#caller-data');
  data.hidden = !msg.callerData || msg.callerData === 'loaded';
  if (msg.callerData === 'unavailable') {
    answerLine(data, 'bad', 'History unavailable: the problems database is not answering. '
      + 'Past calls, open tickets and suggestions appear here once it is back.');
  } else if (msg.callerData === 'pending') {
    answerLine(data, '', 'Loading the caller\'s history…');
  }
  $('#unknown').hidden = !!msg.caller || !lookedUp;
  if (!msg.caller && lookedUp) {
    const likely = (msg.unknownCaller && msg.unknownCaller.likelyMatches) || [];
    renderCallerResults(likely);
    if (!$('#new-caller-name').value && msg.call.callerName) {
      $('#new-caller-name').value = msg.call.callerName;
    }
  }
  fill($('#open-tickets'), (msg.openTickets || []).length ? msg.openTickets.map(ticketItem)
    : h('li', { class: 'muted', text: missing || 'None' }));
  fill($('#suggestions'), (msg.suggestions || []).length ? msg.suggestions.map((s) => h('li', {},
    h('button', { type: 'button', class: 'link', text: s.title, on: { click: () => kb.show(s.id) } })))
    : h('li', { class: 'muted', text: missing || 'None' }));
  const history = (msg.history || []).filter((x) => x.id !== msg.call.id);
  fill($('#history'), history.length ? history.map((x) => h('tr', {},
    h('td', { text: when(x.enteredAt) }),
    h('td', { text: menuWords(x.menuPath) }),
    h('td', { text: (x.agent && x.agent.name) || '—' }),
    h('td', {}, outcomeWords(x), x.ticketId ? ' ' : null, x.ticketId ? h('button', { type: 'button', class: 'link',
      text: `#${x.ticketId}`, on: { click: () => showTicket(x.ticketId) } }) : null),
    h('td', { class: 'num', text: duration(x.talkSeconds) })))
    : h('tr', {}, h('td', { colspan: '5', class: 'muted', text: missing ? `History ${missing.toLowerCase()}` : 'No earlier calls' })));
  outcome.fillTicketChoices();
}

function ticketItem(t) {
  return h('li', {}, h('button', { type: 'button', class: 'link', text: `#${t.id} ${t.subject}`,
    on: { click: () => showTicket(t.id) } }),
  h('span', { class: t.priority === 'urgent' || t.priority === 'high' ? 'pill bad' : 'pill', text: `${t.status} · ${t.priority}` }));
}

// ---------------------------------------------------------------------------------- unknown caller

let callerSearchTimer = null;

function renderCallerResults(list) {
  fill($('#caller-results'), list.map((c) => h('li', {},
    h('span', {}, h('strong', { text: c.name }), c.organisation ? ` · ${c.organisation}` : ''),
    h('button', { type: 'button', text: 'Attach number', 'aria-label': `Attach this number to ${c.name}`,
      on: { click: () => attachTo(c.id) } }))));
}

function searchCallers() {
  clearTimeout(callerSearchTimer);
  const q = $('#caller-search').value.trim();
  callerSearchTimer = setTimeout(async () => {
    if (q.length < 2) {
      return;
    }
    try {
      const r = await api('GET', `/api/callers?q=${encodeURIComponent(q)}&limit=8`);
      renderCallerResults(r.items);
      if (!r.items.length) {
        answerLine($('#unknown-answer'), '', 'Nobody found; create the caller below.');
      }
    } catch (e) {
      refused($('#unknown-answer'), e);
    }
  }, 250);
}

async function attachTo(callerId) {
  const number = state.call && state.call.msg.call.callerNumber;
  if (!number) {
    answerLine($('#unknown-answer'), 'bad', 'This call has no number to attach.');
    return;
  }
  try {
    await api('POST', `/api/callers/${callerId}/phones`, { phone: number });
    await useCaller(callerId);
  } catch (e) {
    refused($('#unknown-answer'), e);
  }
}

async function createCaller() {
  const name = $('#new-caller-name').value.trim();
  const organisation = $('#new-caller-org').value.trim();
  const number = state.call && state.call.msg.call.callerNumber;
  const body = { name };
  if (organisation) {
    body.organisation = organisation;
  }
  if (number) {
    body.phones = [number];
  }
  try {
    const c = await api('POST', '/api/callers', body);
    await useCaller(c.id);
  } catch (e) {
    refused($('#unknown-answer'), e);
  }
}

async function useCaller(id) {
  const p = await api('GET', `/api/callers/${id}`);
  const msg = state.call.msg;
  state.call.msg = { ...msg, caller: p, history: p.history, openTickets: p.openTickets, unknownCaller: null };
  saveCall();
  renderCall();
  answerLine($('#unknown-answer'), 'ok', '');
}

// ---------------------------------------------------------------------------------- tickets

async function showTicket(id) {
  try {
    const t = await api('GET', `/api/tickets/${id}`);
    state.ticketShown = t;
    $('#ticket-card').hidden = false;
    $('#ticket-title').textContent = `Ticket #${t.id}: ${t.subject}`;
    $('#ticket-meta').textContent = `${t.status} · ${t.priority} · ${t.category} · opened ${when(t.createdAt)}`;
    $('#ticket-problem').textContent = t.problem ? `Problem: ${t.problem}` : '';
    $('#ticket-resolution').textContent = t.resolution ? `Resolution: ${t.resolution}` : '';
    fill($('#ticket-notes'), t.notes.length ? t.notes.map((n) => h('li', {},
      h('div', { class: 'by', text: `${n.agent ? n.agent.name : 'someone'} · ${when(n.createdAt)}` }),
      h('div', { class: 'body', text: n.body }))) : h('li', { class: 'muted', text: 'No notes yet' }));
    const calls = await api('GET', `/api/tickets/${t.id}/calls`);
    fill($('#ticket-calls'), calls.items.length ? calls.items.map((c) => h('li', {},
      h('span', { text: `${when(c.enteredAt)} · ${menuWords(c.menuPath)} · ${c.agent ? c.agent.name : 'no agent'}` }),
      h('span', { class: 'pill', text: outcomeWords(c) })))
      : h('li', { class: 'muted', text: 'No calls recorded about it' }));
    const list = await api('GET', `/api/tickets?callerId=${t.callerId}&limit=20`);
    fill($('#caller-tickets'), list.items.map(ticketItem));
  } catch (e) {
    notice('bad', `Ticket ${id}: ${e.message}`);
  }
}

async function addNote() {
  const t = state.ticketShown;
  const body = $('#note-body').value;
  if (!t) {
    return;
  }
  try {
    await api('POST', `/api/tickets/${t.id}/notes`, { body });
    $('#note-body').value = '';
    answerLine($('#note-answer'), 'ok', 'Note added.');
    await showTicket(t.id);
  } catch (e) {
    refused($('#note-answer'), e);
  }
}

// ---------------------------------------------------------------------------------- knowledge base

let kb = null; // mounted with the rest of the page, see desk/kb.js
let outcome = null; // mounted in start(), see desk/outcome.js

// ---------------------------------------------------------------------------------- ready

async function ready() {
  const c = state.call;
  if (c && c.phase === 'connected') {
    notice('warn', 'You are still on the call.', 'ready');
    return;
  }
  if (c && c.phase === 'ended' && !c.saved) {
    $('#outcome-error').textContent = 'Save the outcome first (choose "No problem" if there was nothing to do).';
    $('#outcome-error').hidden = false;
    $('#disposition').focus();
    return;
  }
  try {
    // The server measures the wrap-up itself, from the end of the agent's part of the call.
    const r = await api('POST', '/api/agents/me/ready', {});
    if (r.resumed) {
      asteriskSays($('#pbx-answer'), r);
    }
    store.remove('call');
    state.call = null;
    $('#outcome').reset();
    kb.setUsed(null);
    $('#outcome-done').hidden = true;
    renderCall();
    status.render();
    status.refreshFigures();
  } catch (e) {
    notice('bad', `Ready: ${e.message}`, 'ready');
  }
}

// ---------------------------------------------------------------------------------- callbacks

let callbacks = null; // mounted in start(), see desk/callbacks.js
let status = null; // mounted in start(), see desk/status.js
let transfer = null; // mounted in start(), see desk/transfer.js

// ---------------------------------------------------------------------------------- keyboard

function inField(target) {
  return target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT');
}

function keys(event) {
  if (event.ctrlKey && event.key === 'Enter' && $('#outcome').contains(event.target)) {
    event.preventDefault();
    outcome.save();
    return;
  }
  if (event.altKey && !event.ctrlKey && !event.metaKey) {
    // On a Mac, Option+letter types a character (π, ®, ¥…) in a field: let it type.
    if (inField(event.target) && event.key.length === 1 && !/^[a-z]$/i.test(event.key)) {
      return;
    }
    const actions = {
      KeyP: () => status.pause(), KeyR: () => status.resume(), KeyY: ready,
      KeyK: () => kb.focus(),
      KeyN: () => $('#notes').focus(),
      KeyT: () => transfer.focus(),
      KeyB: () => { callbacks.load(); $('#callbacks-refresh').focus(); },
    };
    if (actions[event.code]) {
      event.preventDefault();
      actions[event.code]();
    }
    return;
  }
  if (event.key === '?' && !inField(event.target)) {
    $('#help').hidden = !$('#help').hidden;
  }
}

// ---------------------------------------------------------------------------------- start

async function start() {
  const s = await session();
  state.me = s.agent;
  store = agentStore(s.agent.id);
  $('#me').textContent = s.agent.name;
  fill($('#pause-reason'), (s.pauseReasons || []).map((r) => h('option', { value: r, text: r })));
  $('#signout').addEventListener('click', () => {
    signOut();
  });
  $('#help-button').addEventListener('click', () => { $('#help').hidden = !$('#help').hidden; });
  status = mountStatus({ state, notice });
  callbacks = mountCallbacks();
  $('#caller-search').addEventListener('input', searchCallers);
  $('#new-caller-save').addEventListener('click', createCaller);
  $('#ticket-close').addEventListener('click', () => { $('#ticket-card').hidden = true; state.ticketShown = null; });
  $('#note-add').addEventListener('click', addNote);
  kb = mountKb({ onProblem: (text) => notice('bad', text), onUsedChanged: () => outcome.saveDraft() });
  outcome = mountOutcome({ state, store, kb, saveCall, onSaved: () => status.refreshFigures(),
    render: () => status.render() });
  transfer = mountTransfer();
  $('#ready').addEventListener('click', ready);
  document.addEventListener('keydown', keys);

  state.call = restoredCall();
  renderCall();
  outcome.loadDraft();
  await status.refresh();
  status.refreshFigures();
  callbacks.load();
  transfer.load();
  setInterval(() => status.render(), 1000);
  setInterval(() => callbacks.load('timer'), 60000);

  connectLive({
    onMessage: (msg) => {
      if (msg.type === 'hello') {
        // A call kept from before a reload that the server no longer reports has ended meanwhile.
        if (state.call && state.call.phase === 'connected') {
          state.call.confirmed = false;
          setTimeout(() => {
            const c = state.call;
            if (c && c.phase === 'connected' && !c.confirmed) {
              c.phase = 'ended';
              c.endedAt = Date.now();
              saveCall();
              renderCall();
              status.render();
            }
          }, 3000);
        }
      } else if (msg.type === 'agent.state') {
        status.applyMember({ state: msg.state, pauseReason: msg.pauseReason, since: msg.since, queues: msg.queues });
      } else if (msg.type && msg.type.startsWith('call.')) {
        onCallMessage(msg);
      } else if (msg.type === 'error') {
        notice('bad', `Server: ${msg.detail}`);
      }
    },
    onStatus: (kind, text) => {
      const el = $('#connection');
      el.className = `pill ${kind}`;
      el.textContent = text;
    },
    onSignedOut: () => location.assign('/'),
  });
}

start().catch((e) => notice('bad', `The desktop could not start: ${e.message}`));
