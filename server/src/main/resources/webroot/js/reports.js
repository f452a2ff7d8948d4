// The reports page: asks /api/reports for the chosen range and draws each report as a chart, a table and a CSV link.
import { api, session, signOut } from './api.js';
import { $, duration, fill, h } from './dom.js';
import { mountCallSearch } from './reports/calls.js';

const SVG = 'http://www.w3.org/2000/svg';
const form = $('#report-form');
const error = $('#report-error');
let calls = null;

function addDays(isoDate, days) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function percent(v) {
  return v === null || v === undefined ? '—' : `${v.toFixed(1)} %`;
}

function seconds(v) {
  return v === null || v === undefined ? '—' : duration(Math.round(v));
}

function categories(list) {
  return list.length ? list.map((c) => `${c.category} ${c.calls}`).join(', ') : '—';
}

const FIGURES = [
  ['Offered', (r) => r.offered],
  ['Answered', (r) => r.answered],
  ['Abandoned', (r) => r.abandoned],
  ['Abandoned %', (r) => percent(r.abandonedPercent)],
  ['Service level', (r) => percent(r.serviceLevelPercent)],
  ['Avg wait', (r) => seconds(r.averageWaitSeconds)],
  ['Avg handle', (r) => seconds(r.averageHandleSeconds)],
  ['First-call resolution', (r) => percent(r.firstCallResolutionPercent)],
  ['Top categories', (r) => categories(r.topCategories)],
  ['Callbacks made', (r) => r.callbacksMade],
  // Calls whose end Firstline did not see (it or its PBX link was down): see docs/kpis.md.
  ['Ended unobserved', (r) => r.endedUnobserved],
];

const SUBJECTS = {
  calls: [],
  queues: [['Queue', (r) => (r.queue === null ? '(no queue)' : r.queue)]],
  agents: [['Agent', (r) => r.agent]],
};

/**
 * A table of rows with the given leading columns and every figure; `link(row)` gives the calls behind a row
 * ({period, filters}), or null when it has none to list.
 */
function table(el, rows, leading, emptyText, link) {
  const columns = [...leading, ...FIGURES];
  const numeric = (name) => !['Period', 'Queue', 'Agent', 'Top categories'].includes(name);
  const callsCell = (r) => {
    const to = link(r);
    return h('td', {}, to ? h('button', { type: 'button', class: 'link calls-of',
      'aria-label': `Calls ${to.period.label}${to.filters.queue ? ` in ${to.filters.queue}` : ''}${to.filters.agentName
        ? ` of ${to.filters.agentName}` : ''}`,
      on: { click: () => calls.show(to.period, to.filters) } }, 'Calls') : null);
  };
  fill(el,
    h('thead', {}, h('tr', {}, columns.map(([name]) => h('th', { scope: 'col', class: numeric(name) ? 'num' : null }, name)),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Calls')))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { class: 'empty', colspan: String(columns.length + 1) }, emptyText))
      : rows.map((r) => h('tr', {}, columns.map(([name, value]) => h('td', { class: numeric(name) ? 'num' : null },
        String(value(r)))), callsCell(r)))));
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, String(v));
  }
  children.forEach((c) => el.append(c));
  return el;
}

/**
 * A stacked bar per entry (answered, abandoned, the rest of offered), labelled below; the scale is
 * the largest offered. Drawn as SVG so the page needs no chart library.
 */
function barChart(el, entries, label) {
  const width = 960;
  const height = 220;
  const top = 10;
  const bottom = 40;
  const left = 36;
  const max = Math.max(1, ...entries.map((e) => e.offered));
  const slot = (width - left) / Math.max(1, entries.length);
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'calls offered, answered and abandoned' });
  chart.append(svg('line', { class: 'axis', x1: left, x2: width, y1: y(0), y2: y(0) }));
  chart.append(svg('text', { x: 0, y: y(max) + 4 }, document.createTextNode(String(max))));
  chart.append(svg('text', { x: 0, y: y(0) + 4 }, document.createTextNode('0')));
  const labelEvery = Math.ceil(entries.length / 24);
  entries.forEach((e, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    const other = e.offered - e.answered - e.abandoned;
    let base = 0;
    for (const [cls, v] of [['answered', e.answered], ['abandoned', e.abandoned], ['other', other]]) {
      if (v > 0) {
        const rect = svg('rect', { class: cls, x, width: bar, y: y(base + v), height: y(base) - y(base + v) });
        rect.append(svg('title', {}, document.createTextNode(`${label(e)}: ${v} ${cls === 'other' ? 'unanswered or waiting' : cls}`)));
        chart.append(rect);
      }
      base += v;
    }
    if (i % labelEvery === 0) {
      chart.append(svg('text', { x: x + bar / 2, y: height - bottom + 16, 'text-anchor': 'middle' },
        document.createTextNode(shortLabel(label(e)))));
    }
  });
  fill(el,
    h('div', { class: 'legend' },
      h('span', {}, h('span', { class: 'swatch answered' }), 'answered'),
      h('span', {}, h('span', { class: 'swatch abandoned' }), 'abandoned'),
      h('span', {}, h('span', { class: 'swatch other' }), 'unanswered or still waiting')),
    chart);
}

/** "2026-10-25" → "10-25", "2026-10-25T02:00+01:00" → "02:00" (midnight: "10-25"), names at most 14 characters. */
function shortLabel(s) {
  const hour = /^\d{4}-(\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s);
  if (hour) {
    return hour[2] === '00:00' ? hour[1] : hour[2];
  }
  const day = /^\d{4}-(\d{2}-\d{2})$/.exec(s);
  if (day) {
    return day[1];
  }
  return s.length > 14 ? `${s.slice(0, 13)}…` : s;
}

function query(range, format) {
  const q = new URLSearchParams({ from: range.from, to: range.to, by: range.by });
  if (format) {
    q.set('format', format);
  }
  return q.toString();
}

async function show(range) {
  error.hidden = true;
  for (const kind of ['calls', 'queues', 'agents']) {
    $(`#${kind}-csv`).href = `/api/reports/${kind}?${query(range, 'csv')}`;
  }
  $('#show').disabled = true;
  try {
    const [periods, queues, agents] = await Promise.all(['calls', 'queues', 'agents']
      .map((kind) => api('GET', `/api/reports/${kind}?${query(range)}`)));
    const period = [['Period', (r) => r.period]];
    // The whole range, as instants the server gave: the calls report has every period of it.
    const whole = { from: periods.items[0].periodStart, to: periods.items[periods.items.length - 1].periodEnd,
      label: `from ${range.from} to ${range.to}` };
    const of = (r) => (r.periodStart ? { from: r.periodStart, to: r.periodEnd, label: `in ${r.period}` } : whole);
    const byQueue = (r) => (r.queue === null ? null : { period: of(r), filters: { queue: r.queue } });
    const byAgent = (r) => (r.agentId === null ? null
      : { period: of(r), filters: { agentId: r.agentId, agentName: r.agent } });
    calls.setPeriod(whole);
    table($('#calls-table'), periods.items.concat(periods.totals.map((t) => ({ ...t, period: 'All' }))), period, 'No periods.',
      (r) => ({ period: of(r), filters: {} }));
    barChart($('#calls-chart'), periods.items, (r) => r.period);
    table($('#queues-table'), queues.totals, SUBJECTS.queues, 'No calls in any queue.', byQueue);
    table($('#queues-periods'), queues.items, [...period, ...SUBJECTS.queues], 'No calls in any queue.', byQueue);
    barChart($('#queues-chart'), queues.totals, (r) => (r.queue === null ? '(no queue)' : r.queue));
    table($('#agents-table'), agents.totals, SUBJECTS.agents, 'No agent answered a call or made a callback.', byAgent);
    table($('#agents-periods'), agents.items, [...period, ...SUBJECTS.agents], 'No agent answered a call or made a callback.',
      byAgent);
    barChart($('#agents-chart'), agents.totals, (r) => r.agent);
    document.body.dataset.loaded = `${range.from}/${range.to}/${range.by}`;
  } catch (e) {
    error.textContent = e.status === 403 ? 'Reports are for supervisors.' : e.message;
    error.hidden = false;
  } finally {
    $('#show').disabled = false;
  }
}

function rangeFromForm() {
  return { from: form.from.value, to: form.to.value || form.from.value, by: form.by.value };
}

async function main() {
  const s = await session();
  $('#who').textContent = s.agent.name;
  $('#admin-link').hidden = s.agent.role !== 'admin';
  $('#timezone').textContent = s.timezone;
  $('#signout').addEventListener('click', signOut);
  if (s.agent.role === 'agent') {
    error.textContent = 'Reports are for supervisors.';
    error.hidden = false;
    document.querySelectorAll('section.report, #report-form, #call-search').forEach((el) => { el.hidden = true; });
    return;
  }
  calls = mountCallSearch(s.timezone);
  const params = new URLSearchParams(location.search);
  const last = s.today; // the help desk's today, by the server's clock, not the browser's
  form.from.value = params.get('from') || addDays(last, -6);
  form.to.value = params.get('to') || last;
  form.by.value = params.get('by') === 'hour' ? 'hour' : 'day';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const range = rangeFromForm();
    history.replaceState(null, '', `/reports?${query(range)}`);
    show(range);
  });
  await show(rangeFromForm());
}

main().catch((e) => {
  error.textContent = e.message;
  error.hidden = false;
});
