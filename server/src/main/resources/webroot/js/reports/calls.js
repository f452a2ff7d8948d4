// "Find calls" on the reports page: the calls behind a report row, or those matching a search, a page at a time.
import { api } from '../api.js';
import { $, duration, fill, h } from '../dom.js';
import { menuWords, outcomeWords } from '../desk/words.js';

const PAGE = 25;
const STATUS = {
  answered: 'Answered', abandoned: 'Hung up waiting', unanswered: 'Not answered', 'menu-only': 'Menu only',
  internal: 'Internal', callback: 'Called back', 'in-progress': 'In progress',
};

/**
 * Mounts the search. `zone` is the help desk's time zone. `show(filters, label)` lists the calls of a period
 * ({from, to} instants) and of a queue or agent, as a report row links to them.
 */
export function mountCallSearch(zone) {
  const form = $('#call-search-form');
  const summary = $('#call-search-summary');
  const more = $('#call-search-more');
  let period = null;
  let shown = [];
  let query = null;

  const time = (iso) => (iso ? new Intl.DateTimeFormat([], {
    timeZone: zone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).format(new Date(iso)) : '—');

  function row(c) {
    return h('tr', { dataset: { call: String(c.id) } },
      h('td', { text: time(c.enteredAt) }),
      h('td', { text: c.queue || '—' }),
      h('td', {}, c.callerName && c.callerName !== c.callerNumber ? `${c.callerName} ` : '',
        h('span', { class: 'muted', text: c.callerNumber || 'unknown number' })),
      h('td', { text: menuWords(c.menuPath) }),
      h('td', { text: c.agent ? c.agent.name : '—' }),
      h('td', { text: c.endedAt ? (STATUS[c.status] || outcomeWords(c)) : STATUS['in-progress'] }),
      h('td', { class: 'num', text: c.waitSeconds === null ? '—' : duration(c.waitSeconds) }),
      h('td', { class: 'num', text: c.talkSeconds === null ? '—' : duration(c.talkSeconds) }));
  }

  function render(total) {
    fill($('#call-search-table'),
      h('thead', {}, h('tr', {}, ['When', 'Queue', 'Caller', 'Menu path', 'Agent', 'Status', 'Wait', 'Talk']
        .map((t) => h('th', { scope: 'col', class: ['Wait', 'Talk'].includes(t) ? 'num' : null }, t)))),
      h('tbody', {}, shown.length === 0 ? h('tr', {}, h('td', { class: 'empty', colspan: '8' }, 'No call matches.'))
        : shown.map(row)));
    summary.textContent = `${total} call${total === 1 ? '' : 's'}${period ? ` ${period.label}` : ''}${total > shown.length
      ? `; the newest ${shown.length} shown` : ''}.`;
    more.hidden = shown.length >= total;
  }

  async function load(reset) {
    if (reset) {
      shown = [];
    }
    const q = new URLSearchParams(query);
    q.set('limit', String(PAGE));
    q.set('offset', String(shown.length));
    try {
      const page = await api('GET', `/api/calls?${q}`);
      shown = shown.concat(page.items);
      render(page.total);
      $('#call-search-error').hidden = true;
    } catch (e) {
      $('#call-search-error').textContent = e.message;
      $('#call-search-error').hidden = false;
    }
  }

  function search() {
    query = {};
    if (period) {
      query.from = period.from;
      query.to = period.to;
    }
    for (const name of ['queue', 'agentId', 'number', 'status', 'disposition']) {
      const v = form[name].value.trim();
      if (v) {
        query[name] = v;
      }
    }
    return load(true);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  more.addEventListener('click', () => load(false));

  api('GET', '/api/agents?limit=200').then((agents) => {
    form.agentId.append(...agents.items.map((a) => h('option', { value: String(a.id), text: a.name })));
  }).catch(() => {});

  return {
    /** The period the search covers ({from, to, label}); a report shown sets it to its range. */
    setPeriod(p) {
      period = p;
      $('#call-search-period').textContent = p ? p.label : '';
    },
    /** Lists the calls of a report row: its period, and its queue or agent. */
    async show(p, filters) {
      this.setPeriod(p);
      form.reset();
      form.queue.value = filters.queue || '';
      form.agentId.value = filters.agentId ? String(filters.agentId) : '';
      await search();
      $('#call-search').scrollIntoView();
    },
  };
}
