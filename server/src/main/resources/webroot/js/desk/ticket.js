// The ticket card: a ticket with the calls about it, its notes (and adding one), and its caller's
// other tickets; and the one way a ticket is listed anywhere on the desk.

import { api } from '../api.js';
import { h, fill, $, when } from '../dom.js';
import { menuWords, outcomeWords } from './words.js';
import { answerLine, refused } from './answers.js';

/** Wires #ticket-card. `notice(kind, text)` shows a banner. Returns `show(id)` and `item(ticket, withDate)`, a list item opening it. */
export function mountTicket({ notice }) {
  let shown = null;

  function item(t, withDate) {
    return h('li', {}, h('button', { type: 'button', class: 'link', text: `#${t.id} ${t.subject}`,
      on: { click: () => show(t.id) } }),
    h('span', { class: t.priority === 'urgent' || t.priority === 'high' ? 'pill bad' : 'pill',
      text: `${t.status} · ${t.priority}${withDate ? ` · ${when(t.createdAt)}` : ''}` }));
  }

  async function show(id) {
    try {
      const t = await api('GET', `/api/tickets/${id}`);
      shown = t;
      $('#ticket-card').hidden = false;
      $('#ticket-card').scrollIntoView({ block: 'nearest' });
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
      fill($('#caller-tickets'), list.items.map((x) => item(x)));
    } catch (e) {
      notice('bad', `Ticket ${id}: ${e.message}`);
    }
  }

  async function addNote() {
    const t = shown;
    const body = $('#note-body').value;
    if (!t) {
      return;
    }
    try {
      await api('POST', `/api/tickets/${t.id}/notes`, { body });
      $('#note-body').value = '';
      answerLine($('#note-answer'), 'ok', 'Note added.');
      await show(t.id);
    } catch (e) {
      refused($('#note-answer'), e);
    }
  }

  $('#ticket-close').addEventListener('click', () => { $('#ticket-card').hidden = true; shown = null; });
  $('#note-add').addEventListener('click', addNote);
  return { show, item };
}
