// The outcome form: what the agent records about the call (disposition, notes, ticket, solution),
// with a draft per call in localStorage that survives reloads and an idempotency key per draft.

import { api } from '../api.js';
import { h, fill, $, clock } from '../dom.js';
import { callerLabel } from './words.js';

/**
 * Wires the #outcome form. `me` is the signed-in agent; `store` the desk's localStorage; `kb` the
 * knowledge base panel (its used solution goes with the outcome). Told `show(call)` by the call card
 * (a copy of the shown call, or null). Tells `onRecorded(linkedid, id)` when it found the id of a
 * call the pop came without, `onSaved(linkedid)` when the call's outcome is saved.
 */
export function mountOutcome({ me, store, kb, onRecorded, onSaved }) {
  const FIELDS = ['disposition', 'notes', 'ticket-action', 'ticket-id', 'ticket-subject', 'ticket-category',
    'ticket-priority', 'ticket-problem-text', 'ticket-resolution-text', 'sol-title', 'sol-problem', 'sol-solution',
    'sol-category'];
  const FIELD_OF = {
    disposition: 'disposition', notes: 'notes', ticket: 'ticket-action', 'ticket.action': 'ticket-action',
    'ticket.id': 'ticket-id', 'ticket.subject': 'ticket-subject', 'ticket.category': 'ticket-category',
    'ticket.priority': 'ticket-priority', 'ticket.problem': 'ticket-problem-text', 'ticket.resolution': 'ticket-resolution-text',
    'newSolution.title': 'sol-title', 'newSolution.problem': 'sol-problem', 'newSolution.solution': 'sol-solution',
    'newSolution.category': 'sol-category',
  };
  let call = null; // as the call card last showed it

  function draftName() {
    return call ? `draft.${call.msg.call.linkedid}` : null;
  }

  function saveDraft() {
    const name = draftName();
    if (!name || call.saved) {
      return;
    }
    const old = store.get(name) || {};
    const values = {};
    FIELDS.forEach((f) => { values[f] = $(`#${f}`).value; });
    store.set(name, { values, key: old.key || crypto.randomUUID(), kb: kb.used(),
      newSolution: $('#new-solution').open, savedAt: new Date().toISOString() });
    $('#draft-state').textContent = `Draft kept ${clock(new Date().toISOString())}`;
  }

  function loadDraft() {
    const name = draftName();
    const d = name ? store.get(name) : null;
    $('#outcome').reset();
    kb.setUsed(d ? d.kb : null);
    $('#new-solution').open = !!(d && d.newSolution);
    fillTicketChoices();
    if (d) {
      FIELDS.forEach((f) => {
        if (d.values[f] !== undefined) {
          $(`#${f}`).value = d.values[f];
        }
      });
      $('#draft-state').textContent = `Draft from ${clock(d.savedAt)}`;
    } else {
      $('#draft-state').textContent = '';
    }
    ticketFieldsShown();
    $('#outcome-error').hidden = true;
    $('#outcome-done').hidden = !(call && call.saved);
  }

  function fillTicketChoices() {
    const sel = $('#ticket-id');
    const keep = sel.value;
    const tickets = (call && call.msg.openTickets) || [];
    fill(sel, h('option', { value: '', text: tickets.length ? '— choose —' : 'No open tickets' }),
      tickets.map((t) => h('option', { value: String(t.id), text: `#${t.id} ${t.subject}` })));
    sel.value = keep;
  }

  function ticketFieldsShown() {
    const action = $('#ticket-action').value;
    $('#ticket-existing').hidden = action !== 'update' && action !== 'resolve';
    $('#ticket-fields').hidden = action !== 'new' && action !== 'update';
    $('#ticket-problem-box').hidden = action !== 'new';
    $('#ticket-resolution-box').hidden = action !== 'resolve';
  }

  function renderOutcomeHeader() {
    const c = call;
    const on = !!c && c.phase !== 'ringing';
    $('#outcome-for').textContent = on ? `Call from ${callerLabel(c.msg)} (${c.msg.call.callerNumber || 'no number'})`
      : 'No call to record.';
    $('#outcome-save').disabled = !on || !!(c && c.saved);
  }

  function outcomeBody() {
    const v = (id) => $(`#${id}`).value.trim();
    const body = { disposition: v('disposition') };
    if (v('notes')) {
      body.notes = $('#notes').value;
    }
    const action = v('ticket-action');
    if (action) {
      const t = { action };
      if (action !== 'new') {
        t.id = v('ticket-id') ? Number(v('ticket-id')) : undefined;
      }
      if (action === 'new' || action === 'update') {
        if (v('ticket-subject')) t.subject = v('ticket-subject');
        if (v('ticket-category')) t.category = v('ticket-category');
        if (v('ticket-priority')) t.priority = v('ticket-priority');
      }
      if (action === 'new' && v('ticket-problem-text')) {
        t.problem = $('#ticket-problem-text').value;
      }
      if (action === 'resolve') {
        t.resolution = $('#ticket-resolution-text').value;
      }
      body.ticket = t;
    }
    if (kb.used()) {
      body.kbArticleId = kb.used().id;
    }
    if ($('#new-solution').open && (v('sol-title') || v('sol-solution'))) {
      body.newSolution = { title: v('sol-title'), problem: $('#sol-problem').value, solution: $('#sol-solution').value,
        category: v('sol-category') };
    }
    return body; // the wrap-up time is the server's measure, from the call's end to "Ready"
  }

  async function submitOutcome(event) {
    if (event) {
      event.preventDefault();
    }
    const c = call;
    const error = $('#outcome-error');
    error.hidden = true;
    if (!c || c.phase === 'ringing' || c.saved) {
      return;
    }
    const { linkedid } = c.msg.call;
    let { id } = c.msg.call;
    if (!id) {
      id = await recordedCallId(linkedid);
      if (id) {
        onRecorded(linkedid, id);
      }
    }
    if (!id) {
      error.textContent = 'This call is not recorded yet; wait a moment and save again. Your draft is kept.';
      error.hidden = false;
      return;
    }
    saveDraft();
    const draft = store.get(draftName());
    const button = $('#outcome-save');
    button.disabled = true;
    try {
      await api('POST', `/api/calls/${id}/outcome`, outcomeBody(), { 'Idempotency-Key': draft.key });
      onSaved(linkedid);
      store.remove(draftName());
      $('#draft-state').textContent = '';
      const done = $('#outcome-done');
      // The call may have ended while its outcome was on the way.
      done.textContent = call && call.phase === 'ended' ? 'Outcome saved. Press Ready when you are done.' : 'Outcome saved.';
      done.hidden = false;
    } catch (e) {
      error.textContent = `Not saved: ${e.message}. Your entries are kept; fix them and save again.`;
      error.hidden = false;
      const field = FIELD_OF[e.field];
      if (field) {
        $(`#${field}`).focus();
      }
      button.disabled = false;
    }
  }

  /** The id of a call the pop came without (recorded a moment later), from my latest calls. */
  async function recordedCallId(linkedid) {
    try {
      const r = await api('GET', `/api/calls?agentId=${me.id}&limit=20`);
      const found = r.items.find((x) => x.linkedid === linkedid);
      if (found) {
        return found.id;
      }
    } catch (e) {
      // the error below says what to do
    }
    return null;
  }

  function show(c) {
    call = c;
    renderOutcomeHeader();
    if (c) {
      fillTicketChoices();
    }
  }

  /** Ready asked for with the outcome not saved. */
  function askFirst() {
    $('#outcome-error').textContent = 'Save the outcome first (choose "No problem" if there was nothing to do).';
    $('#outcome-error').hidden = false;
    $('#disposition').focus();
  }

  /** Ready: the form empty for the next call. */
  function clear() {
    $('#outcome').reset();
    kb.setUsed(null);
    $('#outcome-done').hidden = true;
  }

  $('#outcome').addEventListener('submit', submitOutcome);
  // Enter in a one-line field does not save a half-written outcome: Save or Ctrl+Enter does.
  $('#outcome').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.ctrlKey && event.target.tagName === 'INPUT') {
      event.preventDefault();
    }
  });
  $('#outcome').addEventListener('input', saveDraft);
  $('#outcome').addEventListener('change', () => { ticketFieldsShown(); saveDraft(); });
  $('#new-solution').addEventListener('toggle', saveDraft);
  return { show, save: submitOutcome, saveDraft, loadDraft, askFirst, clear };
}
