// The supervisors' wallboard: queue tiles, callers waiting, agents, today's charts; live over /ws.
// With ?kiosk=1 it is the read-only board of a wall screen (kiosk cookie, no sign-in, no buttons).
import { api, session, signOut } from './api.js';
import { h, fill, $, duration } from './dom.js';

const kiosk = new URLSearchParams(location.search).has('kiosk');
let me = null;
let pauseReasons = [];
/** Server time minus this browser's time, so that timers count from the server's instants. */
let skew = 0;
/** The help desk's time zone, from the server (FIRSTLINE_TIMEZONE). */
let zone;
let chartKey = '';
let charts = null;
const rows = new Map();

const serverNow = () => Date.now() + skew;
const secondsSince = (iso) => (iso ? Math.max(0, (serverNow() - Date.parse(iso)) / 1000) : null);
const pct = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} %`);
const secs = (v) => (v === null || v === undefined ? '—' : duration(v));

const STATE_LABEL = {
  available: 'Available', ringing: 'Ringing', 'in-call': 'On a call', busy: 'On another call', paused: 'Paused',
  unavailable: 'Unavailable', 'signed-out': 'Signed out',
};
const STATE_PILL = {
  available: 'ok', ringing: 'info', 'in-call': 'info', busy: 'info', paused: 'warn', unavailable: 'bad', 'signed-out': '',
};

function say(text, level = 'info') {
  const el = $('#action-result');
  el.className = `banner ${level}`;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { el.hidden = true; }, 8000);
}

// --- tiles -------------------------------------------------------------------------------

function figure(label, value, cls = '', extra = null) {
  return h('div', { class: `figure ${cls}` }, h('span', { class: 'figure-value', text: value }),
    h('span', { class: 'figure-label', text: label }), extra);
}

function tile(q) {
  const agents = q.agents;
  const fresh = h('p', { class: 'freshness', dataset: { asof: q.asOf || '' } });
  return h('article', { class: `tile level-${q.level}`, dataset: { queue: q.name }, 'aria-label': `Queue ${q.name}` },
    h('header', { class: 'tile-head' }, h('h2', { text: q.name }),
      h('span', { class: `pill ${q.level === 'ok' ? 'ok' : q.level === 'amber' ? 'warn' : 'bad'}`,
        text: q.level === 'ok' ? 'OK' : q.level === 'amber' ? 'Watch' : 'Alert' })),
    h('div', { class: 'figures big' },
      figure('waiting', String(q.waiting), `lv-${q.levels.waiting} waiting`),
      figure('longest wait', secs(q.longestWaitSeconds), `lv-${q.levels.longestWait} longest`),
      figure(`service level (≤ ${q.serviceLevelSeconds} s)`, pct(q.serviceLevelPercent), `lv-${q.levels.serviceLevel} sl`)),
    h('div', { class: 'figures' },
      figure('offered', String(q.offered), 'offered'),
      figure('answered', String(q.answered), 'answered'),
      figure('abandoned', `${q.abandoned} (${pct(q.abandonedPercent)})`, 'abandoned'),
      figure('avg wait', secs(q.averageWaitSeconds), 'avg-wait'),
      figure('avg handle', secs(q.averageHandleSeconds), 'avg-handle')),
    h('p', { class: 'tile-agents' },
      h('span', { class: 'pill ok', text: `${agents.available} available` }), ' ',
      h('span', { class: 'pill info', text: `${agents.onCall} on a call` }), ' ',
      h('span', { class: 'pill info', text: `${agents.ringing} ringing` }), ' ',
      agents.busy ? h('span', { class: 'pill info', text: `${agents.busy} on other calls` }) : null, agents.busy ? ' ' : null,
      h('span', { class: 'pill warn', text: `${agents.paused} paused` }), ' ',
      h('span', { class: 'pill', text: `${agents.signedOut} signed out` })),
    q.endedUnobserved > 0 ? h('p', { class: 'muted ended-unobserved',
      text: `${q.endedUnobserved} of today's calls ended while Firstline or its PBX link was down (end times estimated)` }) : null,
    fresh);
}

function renderTiles(board) {
  fill($('#queues'), board.queues.map(tile));
  if (board.queues.length === 0) {
    fill($('#queues'), h('p', { class: 'muted', text: 'No queue has reported yet.' }));
  }
}

// --- waiting callers --------------------------------------------------------------------

function renderWaiting(board) {
  $('#waiting-count').textContent = String(board.waiting.length);
  $('#waiting-none').hidden = board.waiting.length > 0;
  fill($('#waiting tbody'), board.waiting.map((w) => h('tr', { dataset: { linkedid: w.linkedid } },
    h('td', { text: w.queue }),
    h('td', { text: String(w.position) }),
    h('td', { class: 'timer', dataset: { since: w.queuedAt || '' }, text: secs(w.waitSeconds) }),
    h('td', { class: 'caller' }, w.callerName && w.callerName !== w.callerNumber ? `${w.callerName} ` : '',
      h('span', { class: 'muted', text: w.callerNumber || 'unknown number' })),
    h('td', { text: w.menuPath || '—' }),
    h('td', { text: w.priority > 0 ? `ahead (${w.priority})` : 'normal' }))));
}

// --- agents ------------------------------------------------------------------------------

async function act(path, body, doneText) {
  try {
    const answer = await api('POST', path, body);
    say(typeof doneText === 'function' ? doneText(answer) : doneText, 'info');
  } catch (e) {
    say(e.message, 'bad');
  }
  loadAudit();
}

const ACTION_LABEL = {
  'spy.listen': 'listened in', 'spy.whisper': 'whispered', 'spy.barge': 'barged in', 'agent.pause': 'paused',
  'agent.sign-out': 'signed out', 'kiosk.create': 'made a kiosk link', 'kiosk.revoke': 'revoked a kiosk link',
};

/** The last actions of supervisors, from the audit log. */
async function loadAudit() {
  if (kiosk) {
    return;
  }
  try {
    const log = await api('GET', '/api/audit?limit=8');
    fill($('#audit tbody'), log.items.map((e) => h('tr', { class: e.success ? '' : 'failed' },
      h('td', { text: new Date(e.at).toLocaleTimeString() }),
      h('td', { text: e.actor.name }),
      h('td', { text: `${ACTION_LABEL[e.action] || e.action}${e.detail ? ` · ${e.detail}` : ''}` }),
      h('td', { text: e.target ? e.target.name : '—' }),
      h('td', {}, h('span', { class: `pill ${e.success ? 'ok' : 'bad'}`, text: e.success ? 'OK' : 'refused' }), ' ',
        e.pbxResponse || ''))));
  } catch (e) {
    say(e.message, 'bad');
  }
}

function actions(agent) {
  if (kiosk || !agent.id) {
    return h('td', { class: 'supervisor-only' });
  }
  const name = agent.name;
  const spy = (mode, label) => h('button', {
    type: 'button', class: `spy-${mode}`, title: `${label} on ${name}'s call from your phone`,
    on: { click: () => act(`/api/agents/${agent.id}/spy`, { mode }, (answer) => answer.confirmation || `${label}: your phone rings, then you hear ${name}'s call.`) },
  }, label);
  const reason = h('select', { class: 'pause-reason', 'aria-label': `Pause reason for ${name}` },
    pauseReasons.map((r) => h('option', { value: r, text: r })));
  const pause = h('button', {
    type: 'button', class: 'pause',
    on: { click: () => act(`/api/agents/${agent.id}/pause`, { reason: reason.value }, `${name} is paused (${reason.value}).`) },
  }, 'Pause');
  const out = h('button', { type: 'button', class: 'danger sign-out' }, 'Sign out');
  out.addEventListener('click', () => {
    if (out.dataset.armed) {
      delete out.dataset.armed;
      out.textContent = 'Sign out';
      act(`/api/agents/${agent.id}/sign-out`, {}, `${name} is signed out of every queue.`);
      return;
    }
    out.dataset.armed = 'yes';
    out.textContent = 'Really sign out?';
    setTimeout(() => { delete out.dataset.armed; out.textContent = 'Sign out'; }, 4000);
  });
  return h('td', { class: 'supervisor-only step-in' }, spy('listen', 'Listen'), spy('whisper', 'Whisper'), spy('barge', 'Barge'),
    h('span', { class: 'pause-group' }, reason, pause), out);
}

function renderAgents(board) {
  const tbody = $('#agents tbody');
  const seen = new Set();
  board.agents.forEach((a, i) => {
    // A wall screen's board has no interfaces: members without an account are told apart by place.
    const key = a.id ? `id${a.id}` : a.interface ? `if${a.interface}` : `m${a.memberName || ''}#${i}`;
    seen.add(key);
    let row = rows.get(key);
    if (!row) {
      row = { tr: h('tr', { dataset: { agent: a.username || a.interface } }), actions: actions(a) };
      rows.set(key, row);
    }
    const call = a.call;
    const cells = [
      h('td', {}, h('strong', { text: a.name || a.interface }), h('br'), h('span', { class: 'muted small', text: a.interface || '' })),
      h('td', {}, h('span', { class: `pill state ${STATE_PILL[a.state] || ''}`, text: STATE_LABEL[a.state] || a.state }),
        a.pauseReason ? h('span', { class: 'pause-text', text: ` ${a.pauseReason}` }) : null),
      h('td', { class: 'timer', dataset: { since: a.since || '' }, text: secs(a.stateSeconds) }),
      h('td', { class: 'caller' }, call ? `${call.callerName && call.callerName !== call.callerNumber ? `${call.callerName} ` : ''}${call.callerNumber || ''}` : '—'),
      h('td', { class: 'timer', dataset: { since: call ? call.since || '' : '' }, text: call ? secs(call.seconds) : '—' }),
      h('td', { class: 'handled', text: String(a.handledToday) }),
    ];
    row.tr.replaceChildren(...cells, row.actions);
    tbody.append(row.tr);
  });
  for (const [key, row] of rows) {
    if (!seen.has(key)) {
      row.tr.remove();
      rows.delete(key);
    }
  }
}

// --- charts ------------------------------------------------------------------------------

function renderCharts(board) {
  const chart = board.chart;
  if (!chart || !chart.buckets || !window.echarts) {
    return;
  }
  const key = JSON.stringify(chart.buckets);
  if (key === chartKey) {
    return;
  }
  chartKey = key;
  if (!charts) {
    charts = { volume: window.echarts.init($('#chart-volume')), sl: window.echarts.init($('#chart-sl')) };
    window.addEventListener('resize', () => { charts.volume.resize(); charts.sl.resize(); });
  }
  const labels = chart.buckets.map((b) => deskTime(b.at));
  const base = { animation: false, grid: { left: 40, right: 16, top: 36, bottom: 28 }, tooltip: { trigger: 'axis', renderMode: 'richText' } };
  charts.volume.setOption({
    ...base,
    legend: { top: 0 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: 'offered', type: 'bar', data: chart.buckets.map((b) => b.offered), itemStyle: { color: '#1d4ed8' } },
      { name: 'answered', type: 'bar', data: chart.buckets.map((b) => b.answered), itemStyle: { color: '#0f7a3d' } },
      { name: 'abandoned', type: 'bar', data: chart.buckets.map((b) => b.abandoned), itemStyle: { color: '#b42318' } },
    ],
  });
  charts.sl.setOption({
    ...base,
    title: { text: `Service level so far today (answered ${chart.serviceLevelSeconds == null ? "within each queue's threshold" : `≤ ${chart.serviceLevelSeconds} s`})`, textStyle: { fontSize: 13 } },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
    series: [{ name: 'service level', type: 'line', connectNulls: true, data: chart.buckets.map((b) => b.serviceLevelPercent),
      itemStyle: { color: '#1d4ed8' } }],
  });
}

// --- the whole board ---------------------------------------------------------------------

function renderPbx(board) {
  const down = board.pbx.filter((p) => p.status !== 'connected');
  const banner = $('#pbx-banner');
  if (down.length === 0) {
    banner.hidden = true;
    return;
  }
  const words = down.map((p) => (p.status === 'resynchronising'
    ? `${p.name}: resynchronising with Asterisk — the live figures are being checked`
    : `${p.name}: the link to Asterisk is ${p.status} — live figures are as of ${deskTime(board.liveAsOf)}`));
  banner.className = `banner ${down.some((p) => p.status !== 'resynchronising') ? 'bad' : 'warn'}`;
  banner.textContent = words.join(' · ');
  banner.hidden = false;
}

function render(board) {
  skew = Date.parse(board.at) - Date.now();
  zone = board.timezone || zone;
  renderPbx(board);
  renderTiles(board);
  renderWaiting(board);
  renderAgents(board);
  renderCharts(board);
  $('#sl-definition').textContent = `${board.serviceLevelDefinition} Today is the day in ${board.timezone}.`;
  document.body.dataset.updated = board.at;
  tick();
}

/** A time of day in the help desk's time zone (the day the board counts), not the screen's. */
function deskTime(iso, seconds = false) {
  const options = { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) };
  try {
    return new Intl.DateTimeFormat([], { ...options, timeZone: zone }).format(new Date(iso));
  } catch (e) {
    return new Intl.DateTimeFormat([], options).format(new Date(iso));
  }
}

/** Once a second: timers count on, and each tile says how old its figures are. */
function tick() {
  $('#board-clock').textContent = deskTime(new Date(serverNow()).toISOString(), true);
  document.querySelectorAll('.timer[data-since]').forEach((el) => {
    if (el.dataset.since) {
      el.textContent = duration(secondsSince(el.dataset.since));
    }
  });
  document.querySelectorAll('.freshness').forEach((el) => {
    const age = secondsSince(el.dataset.asof);
    el.classList.toggle('stale', age === null || age > 10);
    el.textContent = age === null ? 'no live data from the PBX'
      : `as of ${new Date(Date.parse(el.dataset.asof)).toLocaleTimeString()} (${Math.round(age)} s ago)`;
  });
}

// --- live connection ---------------------------------------------------------------------

let retry = 1000;

function connect() {
  const state = $('#link-state');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.addEventListener('open', () => {
    if (!kiosk) {
      ws.send(JSON.stringify({ type: 'board.follow' }));
    }
    retry = 1000;
    state.className = 'pill ok';
    state.textContent = 'live';
  });
  ws.addEventListener('message', (event) => {
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (msg.type === 'board.update') {
      render(msg);
    }
  });
  ws.addEventListener('close', (event) => {
    state.className = 'pill bad';
    state.textContent = 'reconnecting…';
    if (event.code === 4401) {
      if (kiosk) {
        fill($('#queues'), h('p', { class: 'error', text: 'This wall screen\'s kiosk link is no longer valid. Ask a supervisor for a new one.' }));
        return;
      }
      location.assign('/');
      return;
    }
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30000);
  });
}

// --- kiosk links (supervisors) -------------------------------------------------------------

async function loadKiosks() {
  const list = await api('GET', '/api/kiosks');
  fill($('#kiosks tbody'), list.items.filter((k) => !k.revokedAt).map((k) => h('tr', {},
    h('td', { text: k.name }), h('td', { text: new Date(k.expiresAt).toLocaleDateString() }),
    h('td', { text: k.lastSeenAt ? new Date(k.lastSeenAt).toLocaleString() : 'never' }),
    h('td', {}, h('button', { type: 'button', class: 'danger', on: { click: async () => {
      try {
        await api('DELETE', `/api/kiosks/${k.id}`);
        say(`The kiosk link of "${k.name}" is revoked.`);
      } catch (e) {
        say(e.message, 'bad');
      }
      loadKiosks().catch((e) => say(e.message, 'bad'));
      loadAudit();
    } } }, 'Revoke')))));
}

function setUpKiosks() {
  $('#kiosk-link').addEventListener('click', () => {
    const panel = $('#kiosk-panel');
    panel.hidden = !panel.hidden;
    if (!panel.hidden) {
      loadKiosks().catch((e) => say(e.message, 'bad'));
      panel.scrollIntoView();
    }
  });
  $('#kiosk-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const made = await api('POST', '/api/kiosks', { name: $('#kiosk-name').value.trim() });
      const link = `${location.origin}${made.link}`;
      fill($('#kiosk-made'), 'Open this link once on the wall screen (it is shown only now): ', h('code', { text: link }));
      $('#kiosk-made').hidden = false;
      loadKiosks().catch((e) => say(e.message, 'bad'));
      loadAudit();
    } catch (e) {
      say(e.message, 'bad');
    }
  });
}

async function start() {
  if (kiosk) {
    document.body.classList.add('kiosk');
  } else {
    const s = await session();
    me = s.agent;
    if (me.role === 'agent') {
      location.replace('/desk');
      return;
    }
    pauseReasons = s.pauseReasons || [];
    $('#who').textContent = me.name;
    $('#sign-out').addEventListener('click', signOut);
    setUpKiosks();
    loadAudit();
  }
  try {
    render(await api('GET', '/api/live/board'));
  } catch (e) {
    if (e.status === 401) {
      if (kiosk) {
        fill($('#queues'), h('p', { class: 'error', text: 'This wall screen is not allowed to show the board. Open a kiosk link from a supervisor.' }));
        return;
      }
      location.assign('/');
      return;
    }
    say(e.message, 'bad');
  }
  connect();
  setInterval(tick, 1000);
}

start().catch((e) => say(e.message, 'bad'));
