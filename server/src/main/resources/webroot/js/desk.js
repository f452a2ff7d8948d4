// The agent desktop: mounts its parts (js/desk/*.js), routes the live connection's messages to them,
// and keeps what spans them: Ready, the keyboard shortcuts and the notices.
import { api, session, signOut } from './api.js';
import { setServerTime } from './clock.js';
import { h, fill, $ } from './dom.js';
import { connectLive } from './desk/live.js';
import { agentStore } from './desk/store.js';
import { asteriskSays } from './desk/answers.js';
import { mountStatus } from './desk/status.js';
import { mountCallbacks } from './desk/callbacks.js';
import { mountKb } from './desk/kb.js';
import { mountOutcome } from './desk/outcome.js';
import { mountTransfer } from './desk/transfer.js';
import { mountCall } from './desk/call.js';
import { mountMyCalls } from './desk/mycalls.js';
import { mountLookup } from './desk/lookup.js';
import { mountTicket } from './desk/ticket.js';

// The parts, mounted in start().
let status = null;
let callbacks = null;
let kb = null;
let outcome = null;
let transfer = null;
let call = null;
let myCalls = null;
let lookup = null;

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

/** Ends the wrap-up of the shown call; the server resumes the agent if it paused her for it. */
async function ready() {
  const c = call.current();
  if (c && c.phase === 'connected') {
    notice('warn', 'You are still on the call.', 'ready');
    return;
  }
  if (c && c.phase === 'ended' && !c.saved) {
    outcome.askFirst();
    return;
  }
  try {
    // The server measures the wrap-up itself, from the end of the agent's part of the call.
    const r = await api('POST', '/api/agents/me/ready', {});
    if (r.resumed) {
      asteriskSays($('#pbx-answer'), r);
    }
    outcome.clear();
    call.clear();
    status.refreshFigures();
    myCalls.load();
  } catch (e) {
    notice('bad', `Ready: ${e.message}`, 'ready');
  }
}

function route(msg) {
  if (msg.type === 'agent.state') {
    status.applyMember({ state: msg.state, paused: msg.paused, pauseReason: msg.pauseReason, since: msg.since, queues: msg.queues });
  } else if (msg.type === 'hello' || (msg.type && msg.type.startsWith('call.'))) {
    if (msg.type === 'call.missed') {
      status.missed(msg.ringSeconds || 0);
    }
    call.onMessage(msg);
  } else if (msg.type === 'error') {
    notice('bad', `Server: ${msg.detail}`);
  }
}

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
      KeyF: () => $('#find-caller').focus(),
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

async function start() {
  const s = await session();
  setServerTime(s.now);
  const store = agentStore(s.agent.id);
  $('#me').textContent = s.agent.name;
  fill($('#pause-reason'), (s.pauseReasons || []).map((r) => h('option', { value: r, text: r })));
  $('#signout').addEventListener('click', () => {
    signOut();
  });
  $('#help-button').addEventListener('click', () => { $('#help').hidden = !$('#help').hidden; });
  status = mountStatus({ notice });
  callbacks = mountCallbacks();
  kb = mountKb({ onProblem: (text) => notice('bad', text), onUsedChanged: () => outcome.saveDraft() });
  outcome = mountOutcome({ me: s.agent, store, kb, onRecorded: (linkedid, id) => call.recorded(linkedid, id),
    onSaved: (linkedid) => { call.saved(linkedid); status.refreshFigures(); myCalls.load(); } });
  transfer = mountTransfer();
  // Last: it shows the call kept from before a reload, and tells the others at once.
  myCalls = mountMyCalls({ reopen: (item) => {
    if (!call.reopen(item)) {
      return false;
    }
    outcome.loadDraft();
    return true;
  } });
  let phase = null;
  const ticket = mountTicket({ notice });
  call = mountCall({ store, notice, ticket, showArticle: (id) => kb.show(id),
    onChange: (c, ringing) => {
      outcome.show(c);
      transfer.show(c);
      status.showCall(c, ringing);
      if (c && c.phase === 'ended' && phase === 'connected') {
        // The call's record may be written a moment after its end.
        myCalls.load();
        setTimeout(() => myCalls.load(), 2000);
      }
      phase = c ? c.phase : null;
    },
    onAnswered: () => outcome.loadDraft() });
  lookup = mountLookup({ ticket, myQueues: () => status.queues() });
  $('#ready').addEventListener('click', ready);
  document.addEventListener('keydown', keys);

  outcome.loadDraft();
  await status.refresh();
  status.refreshFigures();
  callbacks.load();
  myCalls.load();
  lookup.loadTickets();
  transfer.load();
  setInterval(() => status.render(), 1000);
  setInterval(() => { callbacks.load('timer'); myCalls.load(); lookup.loadTickets(); }, 60000);

  connectLive({
    onMessage: route,
    onStatus: (kind, text) => {
      const el = $('#connection');
      el.className = `pill ${kind}`;
      el.textContent = text;
    },
    onSignedOut: () => location.assign('/'),
  });
}

start().catch((e) => notice('bad', `The desktop could not start: ${e.message}`));
