// The call card: the call ringing or shown (answered, then in wrap-up until Ready) with its pop, kept
// over reloads, or an earlier call reopened for its outcome; finding, attaching or creating an unknown caller.

import { api } from '../api.js';
import { serverNow } from '../clock.js';
import { h, fill, $, duration, when } from '../dom.js';
import { menuWords, outcomeWords, callerLabel } from './words.js';
import { answerLine, refused } from './answers.js';

/**
 * Wires #call-card and #unknown, and shows the call kept from before a reload.
 * `store` keeps the shown call; `notice(kind, text)` shows a banner; `ticket` is the ticket card
 * (its `item` lists a ticket, its `show` opens one); `showArticle(id)` opens a suggested solution. Told after each change: `onChange(call, ringing)` with a copy of the shown call
 * ({msg, phase: 'ringing'|'connected'|'ended', connectedAt, endedAt, saved} or null) and the message of
 * the call ringing now, if any (it may ring behind the shown one, e.g. during wrap-up); `onAnswered()`
 * after each call.connected, once told. Returns `onMessage(msg)` (hello and call.* of /ws),
 * `current()` (a copy of the shown call), `recorded(linkedid, id)` and `saved(linkedid)` (from the
 * outcome form), `clear()` (Ready) and `reopen(call)` (an earlier call from My calls).
 */
export function mountCall({ store, notice, ticket, showArticle, onChange, onAnswered }) {
  let call = restored();
  let ringing = null;
  let searchTimer = null;
  let unknownFormFor = null; // the call (linkedid) the unknown-caller search and form are filled for

  function view() {
    return call && { ...call };
  }

  function tell() {
    onChange(view(), ringing);
  }

  /** After a change of the shown call: keep it (unless only ringing), show it, tell the others. */
  function changed() {
    if (call && call.phase !== 'ringing') {
      store.set('call', call);
    }
    render();
    tell();
  }

  function restored() {
    const kept = store.get('call');
    return kept && kept.phase !== 'ringing' ? kept : null;
  }

  function onMessage(msg) {
    if (msg.type === 'hello') {
      expectConfirmation();
      return;
    }
    followRinging(msg);
    const c = call;
    const same = c && c.msg.call.linkedid === msg.call.linkedid;
    switch (msg.type) {
      case 'call.ringing':
        if (!c || c.phase === 'ringing' || (c.phase === 'ended' && c.saved)) {
          call = { msg, phase: 'ringing' };
        }
        break;
      case 'call.connected':
        if (same && c.phase === 'connected') {
          call = { ...c, msg: mergePop(c.msg, msg), confirmed: true };
        } else {
          if (c && c.phase === 'ended' && !c.saved && !same) {
            notice('warn', `The outcome of the call with ${callerLabel(c.msg)} was not saved; its draft is kept: `
              + 'reopen it from "Outcome not saved" under My calls.', 'unsaved');
          }
          call = { msg: same ? mergePop(c.msg, msg) : msg, phase: 'connected', connectedAt: serverNow(), confirmed: true };
        }
        break;
      case 'call.updated':
        // The caller's data, come after the pop (or the word that the database could not give it).
        if (same) {
          call = { ...c, msg: withData(c.msg, msg) };
        }
        break;
      case 'call.withdrawn':
      case 'call.missed':
        if (same && c.phase === 'ringing') {
          call = restored();
        }
        break;
      case 'call.ended':
        if (same && c.phase === 'connected') {
          call = { ...c, phase: 'ended', endedAt: serverNow() };
        } else if (same && c.phase === 'ringing') {
          call = restored();
        }
        break;
      default:
        break;
    }
    if (call !== c) {
      changed();
    } else {
      tell(); // the call ringing behind the shown one may have come or gone
    }
    if (msg.type === 'call.connected') {
      onAnswered();
    }
  }

  function followRinging(msg) {
    if (msg.type === 'call.ringing') {
      ringing = msg;
    } else if (ringing && ringing.call.linkedid === msg.call.linkedid) {
      ringing = msg.type === 'call.updated' ? withData(ringing, msg) : null;
    }
  }

  /** A call kept from before a reload that the server no longer reports (after its hello) has ended meanwhile. */
  function expectConfirmation() {
    if (!call || call.phase !== 'connected') {
      return;
    }
    call = { ...call, confirmed: false };
    setTimeout(() => {
      if (call && call.phase === 'connected' && !call.confirmed) {
        call = { ...call, phase: 'ended', endedAt: serverNow() };
        changed();
      }
    }, 3000);
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
    const c = { ...old.call, id: update.call.id || old.call.id };
    const merged = { ...old, call: c, caller: update.caller, unknownCaller: update.unknownCaller, history: update.history,
      openTickets: update.openTickets, suggestions: update.suggestions, callerData: update.callerData };
    return mergePop(old, merged);
  }

  /** The outcome form found the id of a call the pop came without. */
  function recorded(linkedid, id) {
    if (call && call.msg.call.linkedid === linkedid) {
      call = { ...call, msg: { ...call.msg, call: { ...call.msg.call, id } } };
      store.set('call', call);
      tell();
    }
  }

  /** The outcome of this call is saved: Ready may end its wrap-up. */
  function saved(linkedid) {
    if (call && call.msg.call.linkedid === linkedid) {
      call = { ...call, saved: true };
      store.set('call', call);
      tell();
    }
  }

  /**
   * Shows an earlier call of the agent's (from "Outcome not saved") for its outcome, unless a call is
   * ringing or on now. Returns whether it did.
   */
  function reopen(item) {
    if (call && (call.phase === 'connected' || call.phase === 'ringing')) {
      return false;
    }
    const msg = { call: { id: item.id, linkedid: item.linkedid, callerNumber: item.callerNumber, callerName: item.callerName,
      menuPath: item.menuPath, queue: item.queue, waitSeconds: item.waitSeconds, answeredAt: item.answeredAt },
    caller: null, history: [], openTickets: [], suggestions: [], callerData: item.callerId ? 'pending' : 'loaded' };
    call = { msg, phase: 'ended', endedAt: Date.parse(item.endedAt) || serverNow(), saved: false, reopened: true };
    changed();
    if (item.callerId) {
      api('GET', `/api/callers/${item.callerId}`).then((p) => ({ caller: p, history: p.history, openTickets: p.openTickets,
        callerData: 'loaded' }), () => ({ callerData: 'unavailable' })).then((data) => {
        if (call && call.msg.call.linkedid === item.linkedid) {
          call = { ...call, msg: { ...call.msg, ...data } };
          changed();
        }
      });
    }
    return true;
  }

  /** Ready: no call shown any more. */
  function clear() {
    store.remove('call');
    call = null;
    render();
    tell();
  }

  function render() {
    const c = call;
    const card = $('#call-card');
    card.classList.toggle('ringing', !!c && c.phase === 'ringing');
    card.classList.toggle('connected', !!c && c.phase === 'connected');
    $('#call-idle').hidden = !!c;
    $('#call').hidden = !c;
    if (!c) {
      $('#call-title').textContent = 'No call';
      return;
    }
    const { msg } = c;
    $('#call-title').textContent = c.reopened ? 'Earlier call' : { ringing: 'Ringing', connected: 'On call', ended: 'Wrap-up' }[c.phase];
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
      if (unknownFormFor !== msg.call.linkedid) {
        unknownFormFor = msg.call.linkedid;
        $('#caller-search').value = '';
        $('#new-caller-name').value = '';
        $('#new-caller-org').value = '';
        answerLine($('#unknown-answer'), 'ok', '');
      }
      // The likely callers until the agent searches for someone else.
      if (!$('#caller-search').value.trim()) {
        renderCallerResults((msg.unknownCaller && msg.unknownCaller.likelyMatches) || []);
      }
      if (!$('#new-caller-name').value && msg.call.callerName) {
        $('#new-caller-name').value = msg.call.callerName;
      }
    }
    fill($('#open-tickets'), (msg.openTickets || []).length ? msg.openTickets.map((t) => ticket.item(t))
      : h('li', { class: 'muted', text: missing || 'None' }));
    fill($('#suggestions'), (msg.suggestions || []).length ? msg.suggestions.map((s) => h('li', {},
      h('button', { type: 'button', class: 'link', text: s.title, on: { click: () => showArticle(s.id) } })))
      : h('li', { class: 'muted', text: missing || 'None' }));
    const history = (msg.history || []).filter((x) => x.id !== msg.call.id);
    fill($('#history'), history.length ? history.map((x) => h('tr', {},
      h('td', { text: when(x.enteredAt) }),
      h('td', { text: menuWords(x.menuPath) }),
      h('td', { text: (x.agent && x.agent.name) || '—' }),
      h('td', {}, outcomeWords(x), x.ticketId ? ' ' : null, x.ticketId ? h('button', { type: 'button', class: 'link',
        text: `#${x.ticketId}`, on: { click: () => ticket.show(x.ticketId) } }) : null),
      h('td', { class: 'num', text: duration(x.talkSeconds) })))
      : h('tr', {}, h('td', { colspan: '5', class: 'muted', text: missing ? `History ${missing.toLowerCase()}` : 'No earlier calls' })));
  }

  // -------------------------------------------------------------------------------- unknown caller

  function renderCallerResults(list) {
    fill($('#caller-results'), list.map((c) => h('li', {},
      h('span', {}, h('strong', { text: c.name }), c.organisation ? ` · ${c.organisation}` : ''),
      h('button', { type: 'button', text: 'Attach number', 'aria-label': `Attach this number to ${c.name}`,
        on: { click: () => attachTo(c.id) } }))));
  }

  function searchCallers() {
    clearTimeout(searchTimer);
    const q = $('#caller-search').value.trim();
    searchTimer = setTimeout(async () => {
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
    const number = call && call.msg.call.callerNumber;
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
    const number = call && call.msg.call.callerNumber;
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
    call = { ...call, msg: { ...call.msg, caller: p, history: p.history, openTickets: p.openTickets, unknownCaller: null } };
    changed();
    answerLine($('#unknown-answer'), 'ok', '');
  }

  $('#caller-search').addEventListener('input', searchCallers);
  $('#new-caller-save').addEventListener('click', createCaller);
  render();
  tell();
  return { onMessage, current: view, recorded, saved, clear, reopen };
}
