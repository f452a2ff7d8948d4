// "My calls": the agent's calls whose outcome is not saved yet, each reopening the outcome form, and
// their recent calls with the outcome of each.

import { api } from '../api.js';
import { h, fill, $, when } from '../dom.js';
import { menuWords, outcomeWords } from './words.js';
import { refused } from './answers.js';

const PAGE = 5;

/**
 * Wires #unsaved and #recent. `reopen(call)` shows a call of the list (as /api/agents/me/calls gives
 * it) in the outcome form; it returns false when it cannot now (a call is on). Returns `load()`.
 */
export function mountMyCalls({ reopen }) {
  let offset = 0;

  function who(c) {
    return c.caller ? c.caller.name : (c.callerName || c.callerNumber || 'Unknown caller');
  }

  function line(c) {
    return [c.caller ? c.callerNumber : null, when(c.enteredAt), menuWords(c.menuPath)].filter(Boolean).join(' · ');
  }

  async function load() {
    try {
      let u = await api('GET', `/api/agents/me/calls?unsaved=true&limit=${PAGE}&offset=${offset}`);
      if (!u.items.length && u.total > 0) {
        offset = Math.floor((u.total - 1) / PAGE) * PAGE;
        u = await api('GET', `/api/agents/me/calls?unsaved=true&limit=${PAGE}&offset=${offset}`);
      }
      $('#unsaved-count').textContent = `(${u.total})`;
      fill($('#unsaved'), u.items.length ? u.items.map((c) => h('li', {},
        h('div', { class: 'who', title: `${who(c)} · ${line(c)}` }, h('strong', { text: who(c) }), ' ',
          h('span', { class: 'muted small', text: line(c) })),
        h('button', { type: 'button', class: 'small', text: 'Reopen the outcome', 'aria-label': `Reopen the outcome of the call with ${who(c)}`,
          on: { click: () => open(c) } })))
        : h('li', { class: 'muted', text: 'Every outcome is saved' }));
      $('#unsaved-pager').hidden = u.total <= PAGE;
      $('#unsaved-range').textContent = u.items.length ? `${offset + 1}–${offset + u.items.length} of ${u.total}` : '';
      $('#unsaved-prev').disabled = offset === 0;
      $('#unsaved-next').disabled = offset + u.items.length >= u.total;

      const r = await api('GET', '/api/agents/me/calls?limit=8');
      fill($('#recent'), r.items.length ? r.items.map((c) => h('li', {},
        h('div', { class: 'who', title: `${who(c)} · ${line(c)}` }, h('strong', { text: who(c) }), ' ',
          h('span', { class: 'muted small', text: line(c) })),
        h('span', { class: c.outcome ? 'pill ok' : 'pill warn',
          text: c.outcome ? outcomeWords(c.outcome) : (c.status === 'in-progress' ? 'On now' : 'Not saved') })))
        : h('li', { class: 'muted', text: 'No calls yet' }));
    } catch (e) {
      refused($('#mycalls-answer'), e);
    }
  }

  function open(c) {
    if (!reopen(c)) {
      $('#mycalls-answer').className = 'pbx-answer bad';
      $('#mycalls-answer').textContent = 'Finish the call you are on first.';
      return;
    }
    $('#mycalls-answer').textContent = '';
    $('#disposition').focus();
  }

  $('#unsaved-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(); });
  $('#unsaved-next').addEventListener('click', () => { offset += PAGE; load(); });
  return { load };
}
