// Between calls: find a caller and open their page (tickets, notes, calls), and the ticket lists
// (mine, a queue's, everyone's; by status).

import { api } from '../api.js';
import { h, fill, $, duration, when } from '../dom.js';
import { menuWords, outcomeWords } from './words.js';
import { answerLine, refused } from './answers.js';

const PHONE = /^\+?[0-9][0-9 ().-]{2,}$/;

/**
 * Wires #lookup and #caller-page. `ticket` is the ticket card (its `item` lists a ticket and opens
 * it); `myQueues()` gives the queues the agent is in now. Returns `loadTickets()` and `openCaller(id)`.
 */
export function mountLookup({ ticket, myQueues }) {
  let searchTimer = null;
  let ticketLimit = 10;

  function search() {
    clearTimeout(searchTimer);
    const q = $('#find-caller').value.trim();
    searchTimer = setTimeout(async () => {
      if (q.length < 2) {
        fill($('#find-results'));
        answerLine($('#find-answer'), '', '');
        return;
      }
      try {
        const r = await api('GET', `/api/callers?${PHONE.test(q) ? 'phone' : 'q'}=${encodeURIComponent(q)}&limit=8`);
        fill($('#find-results'), r.items.map((c) => h('li', {},
          h('button', { type: 'button', class: 'link', text: c.name, 'aria-label': `Open the page of ${c.name}`,
            on: { click: () => openCaller(c.id) } }),
          h('span', { class: 'muted small', text: [c.organisation, (c.phones || [])[0]].filter(Boolean).join(' · ') }))));
        answerLine($('#find-answer'), '', r.items.length ? (r.total > r.items.length ? `${r.items.length} of ${r.total} shown; type more to narrow` : '')
          : 'Nobody found.');
      } catch (e) {
        refused($('#find-answer'), e);
      }
    }, 250);
  }

  async function openCaller(id) {
    try {
      const [p, tickets, notes] = await Promise.all([api('GET', `/api/callers/${id}`),
        api('GET', `/api/tickets?callerId=${id}&limit=20`), api('GET', `/api/callers/${id}/notes?limit=20`)]);
      $('#caller-page').hidden = false;
      $('#caller-page-title').textContent = p.name;
      $('#caller-page-vip').hidden = !p.vip;
      $('#caller-page-meta').textContent = [p.organisation || 'No organisation', (p.phones || []).join(', '), p.email]
        .filter(Boolean).join(' · ');
      fill($('#caller-page-tickets'), tickets.items.length ? tickets.items.map((t) => ticket.item(t, true))
        : h('li', { class: 'muted', text: 'No tickets' }));
      fill($('#caller-page-notes'), notes.items.length ? notes.items.map((n) => h('li', {},
        h('div', { class: 'by', text: `${n.agent ? n.agent.name : 'someone'} · ${when(n.at)}`
          + `${n.ticketId ? ` · ticket #${n.ticketId}` : ''}${n.callId ? ' · on a call' : ''}` }),
        h('div', { class: 'body', text: n.body }))) : h('li', { class: 'muted', text: 'No notes' }));
      fill($('#caller-page-history'), p.history.length ? p.history.map((x) => h('tr', {},
        h('td', { text: when(x.enteredAt) }),
        h('td', { text: menuWords(x.menuPath) }),
        h('td', { text: (x.agent && x.agent.name) || '—' }),
        h('td', { text: outcomeWords(x) }),
        h('td', { class: 'num', text: duration(x.talkSeconds) })))
        : h('tr', {}, h('td', { colspan: '5', class: 'muted', text: 'No calls' })));
      $('#caller-page').scrollIntoView({ block: 'nearest' });
      $('#caller-page-title').focus();
    } catch (e) {
      refused($('#find-answer'), e);
    }
  }

  function whoOptions() {
    const sel = $('#ticket-list-who');
    const keep = sel.value || 'mine';
    fill(sel, h('option', { value: 'mine', text: 'Opened by me' }),
      myQueues().map((q) => h('option', { value: `q:${q}`, text: `Queue ${q}` })),
      h('option', { value: 'all', text: 'Everyone\'s' }));
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : 'mine';
  }

  async function loadTickets() {
    whoOptions();
    const who = $('#ticket-list-who').value;
    const status = $('#ticket-list-status').value;
    const params = new URLSearchParams({ limit: String(ticketLimit) });
    if (who === 'mine') {
      params.set('mine', 'true');
    } else if (who.startsWith('q:')) {
      params.set('queue', who.slice(2));
    }
    if (status) {
      params.set('status', status);
    }
    try {
      const r = await api('GET', `/api/tickets?${params}`);
      fill($('#ticket-list'), r.items.length ? r.items.map((t) => ticket.item(t, true)) : h('li', { class: 'muted', text: 'No tickets' }));
      $('#ticket-list-count').textContent = r.total ? `${r.items.length} of ${r.total}` : '';
      $('#ticket-list-more').hidden = r.items.length >= r.total;
    } catch (e) {
      refused($('#find-answer'), e);
    }
  }

  $('#find-caller').addEventListener('input', search);
  $('#caller-page-close').addEventListener('click', () => { $('#caller-page').hidden = true; });
  $('#ticket-list-who').addEventListener('change', () => { ticketLimit = 10; loadTickets(); });
  $('#ticket-list-status').addEventListener('change', () => { ticketLimit = 10; loadTickets(); });
  $('#ticket-list-more').addEventListener('click', () => { ticketLimit += 10; loadTickets(); });
  return { loadTickets, openCaller };
}
