// The supervisors' wallboard: queue tiles, callers waiting, agents, today's charts; live over /ws.
// With ?kiosk=1 it is the read-only board of a wall screen (kiosk cookie, no sign-in, no buttons).
import { api, session, signOut } from './api.js';
import { h, fill, $, duration } from './dom.js';
import { menuWords } from './desk/words.js';

const kiosk = new URLSearchParams(location.search).has('kiosk');
let me = null;
let pauseReasons = [];
/** The queues agents may be put in: the desk queues (each agent only where they may join; the server says so). */
let joinable = [];
/** The queue the board shows ('' for all), kept in this browser. */
const FILTER_KEY = 'firstline.board.queue';
let shownQueue = localStorage.getItem(FILTER_KEY) || '';
let lastBoard = null;
/** The number of the board this page has from its socket (board.update, then each board.delta after it); null: none. */
let seq = null;
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

/** Whether the queue filter shows something of these queues. */
function shows(queues) {
  return !shownQueue || queues.includes(shownQueue);
}

function renderFilter(board) {
  const select = $('#queue-filter');
  const names = [...new Set([...board.queues.map((q) => q.name), ...(shownQueue ? [shownQueue] : [])])].sort();
  const key = names.join('\n');
  if (select.dataset.names !== key) {
    select.dataset.names = key;
    fill(select, h('option', { value: '', text: 'All queues' }), names.map((n) => h('option', { value: n, text: n })));
  }
  select.value = shownQueue;
}

function renderTiles(board) {
  fill($('#queues'), board.queues.filter((q) => shows([q.name])).map(tile));
  if (board.queues.length === 0) {
    fill($('#queues'), h('p', { class: 'muted', text: 'No queue has reported yet.' }));
  }
}

// --- waiting callers --------------------------------------------------------------------

function renderWaiting(board) {
  const waiting = board.waiting.filter((w) => shows([w.queue]));
  $('#waiting-count').textContent = String(waiting.length);
  $('#waiting-none').hidden = waiting.length > 0;
  fill($('#waiting tbody'), waiting.map((w) => h('tr', { dataset: { linkedid: w.linkedid } },
    h('td', { text: w.queue }),
    h('td', { text: String(w.position) }),
    h('td', { class: 'timer', dataset: { since: w.queuedAt || '' }, text: secs(w.waitSeconds) }),
    h('td', { class: 'caller' }, w.callerName && w.callerName !== w.callerNumber ? `${w.callerName} ` : '',
      h('span', { class: 'muted', text: w.callerNumber || 'unknown number' })),
    h('td', { class: 'menu-path', title: w.menuPath || '', text: menuWords(w.menuPath) }),
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
  'agent.sign-out': 'signed out', 'agent.resume': 'unpaused', 'agent.join': 'put in a queue',
  'agent.leave': 'took out of a queue', 'kiosk.create': 'made a kiosk link', 'kiosk.revoke': 'revoked a kiosk link',
  'agent.create': 'created', 'agent.change': 'changed', 'agent.deactivate': 'deactivated', 'agent.reactivate': 'reactivated',
  'agent.password-reset': 'reset the password of',
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

/** A button that asks once more, in its own words, before it acts. */
function twoStep(label, again, cls, title, run) {
  const button = h('button', { type: 'button', class: cls, title }, label);
  button.addEventListener('click', () => {
    if (button.dataset.armed) {
      delete button.dataset.armed;
      button.textContent = label;
      run();
      return;
    }
    button.dataset.armed = 'yes';
    button.textContent = again;
    setTimeout(() => { delete button.dataset.armed; button.textContent = label; }, 4000);
  });
  return button;
}

/** The step-in cell of an agent's row, made once per row; update() follows the agent's state and queues. */
function actions(agent) {
  if (kiosk || !agent.id) {
    return { td: h('td', { class: 'supervisor-only' }), update: () => {} };
  }
  const name = agent.name;
  const spyDone = (label) => (answer) => answer.confirmation || `${label}: your phone rings, then you hear ${name}'s call.`;
  const listen = h('button', {
    type: 'button', class: 'spy-listen', title: `Listen to ${name}'s call from your phone; nobody hears you`,
    on: { click: () => act(`/api/agents/${agent.id}/spy`, { mode: 'listen' }, spyDone('Listen')) },
  }, 'Listen');
  const whisper = twoStep('Whisper', `Whisper to ${name}?`, 'spy-whisper',
    `Talk to ${name} during the call from your phone; the caller does not hear you`,
    () => act(`/api/agents/${agent.id}/spy`, { mode: 'whisper' }, spyDone('Whisper')));
  const barge = twoStep('Barge', 'Caller hears you too?', 'spy-barge',
    `Join ${name}'s call from your phone; ${name} and the caller both hear you`,
    () => act(`/api/agents/${agent.id}/spy`, { mode: 'barge' }, spyDone('Barge')));
  const reason = h('select', { class: 'pause-reason', 'aria-label': `Pause reason for ${name}` },
    pauseReasons.map((r) => h('option', { value: r, text: r })));
  const pause = h('button', {
    type: 'button', class: 'pause',
    on: { click: () => act(`/api/agents/${agent.id}/pause`, { reason: reason.value }, `${name} is paused (${reason.value}).`) },
  }, 'Pause');
  const resume = h('button', {
    type: 'button', class: 'resume', hidden: true,
    on: { click: () => act(`/api/agents/${agent.id}/resume`, {}, `${name} is no longer paused.`) },
  }, 'Unpause');
  const pauseGroup = h('span', { class: 'pause-group' }, reason, pause);
  const boxes = joinable.map((q) => {
    const box = h('input', { type: 'checkbox', value: q, on: { change: () => {
      const join = box.checked;
      act(`/api/agents/${agent.id}/${join ? 'join' : 'leave'}`, { queue: q },
        `${name} ${join ? 'is now in' : 'has left'} ${q}.`);
    } } });
    return { q, box, label: h('label', { class: 'queue-choice' }, box, ` ${q}`) };
  });
  const queues = h('details', { class: 'queues-menu' }, h('summary', { text: 'Queues' }),
    h('fieldset', { 'aria-label': `Queues ${name} takes calls from` }, boxes.map((b) => b.label)));
  const out = twoStep('Sign out', 'Really sign out?', 'danger sign-out', `Take ${name} out of every queue`,
    () => act(`/api/agents/${agent.id}/sign-out`, {}, `${name} is signed out of every queue.`));
  const td = h('td', { class: 'supervisor-only step-in' },
    h('div', { class: 'step-in-group', role: 'group', 'aria-label': `Listen to, whisper to or barge in on ${name}'s call` },
      listen, whisper, barge),
    h('div', { class: 'step-in-group', role: 'group', 'aria-label': `Pause, queues and sign-out of ${name}` },
      pauseGroup, resume, joinable.length ? queues : null, out));
  const update = (a) => {
    const paused = a.paused || a.state === 'paused';
    resume.hidden = !paused;
    pauseGroup.hidden = paused;
    const member = new Set(a.queues || []);
    boxes.forEach((b) => {
      if (document.activeElement !== b.box) {
        b.box.checked = member.has(b.q);
      }
    });
  };
  return { td, update };
}

/** 11520 → "3 h 12 min", 1440 → "24 min": today's time in whole minutes. */
function spent(seconds) {
  const m = Math.floor(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}` : `${m} min`;
}

/**
 * Time signed in and paused today, pauses by reason (a pause or a reason under a minute is left out, as "0 min" would
 * only crowd the row); a dash until the server has read them.
 */
function presence(a) {
  if (a.signedInTodaySeconds === null || a.signedInTodaySeconds === undefined) {
    return h('div', { class: 'presence', text: '—' });
  }
  const div = h('div', { class: 'presence' }, h('span', { class: 'signed-in', text: `Signed in ${spent(a.signedInTodaySeconds)}` }));
  if (a.pausedTodaySeconds >= 60) {
    const reasons = (a.pausedTodayByReason || []).filter((r) => r.seconds >= 60)
      .map((r) => `${r.reason || 'no reason'} ${spent(r.seconds)}`).join(', ');
    div.append(h('br'), h('span', { class: 'paused-today', text: `paused ${spent(a.pausedTodaySeconds)}` }),
      reasons ? h('span', { class: 'muted small', text: ` (${reasons})` }) : '');
  }
  return div;
}

/**
 * Draws the agents' rows: all of them, or with `changed` (the keys of a delta's rows, in an unchanged order) only those,
 * unless one of them comes into or goes out of the queue shown.
 */
function renderAgents(board, changed = null) {
  const tbody = $('#agents tbody');
  if (changed) {
    const some = board.agents.filter((a) => changed.has(a.key));
    if (some.every((a) => rows.has(a.key) && rows.get(a.key).tr.isConnected === shows(a.queues || []))) {
      some.forEach((a) => drawAgent(rows.get(a.key), a));
      return;
    }
  }
  const seen = new Set();
  board.agents.forEach((a) => {
    seen.add(a.key);
    let row = rows.get(a.key);
    if (!row) {
      row = { tr: h('tr', { dataset: { agent: a.username || a.interface } }), actions: actions(a) };
      rows.set(a.key, row);
    }
    if (!shows(a.queues || [])) {
      row.actions.update(a);
      row.tr.remove();
      return;
    }
    drawAgent(row, a);
    tbody.append(row.tr);
  });
  for (const [key, row] of rows) {
    if (!seen.has(key)) {
      row.tr.remove();
      rows.delete(key);
    }
  }
}

function drawAgent(row, a) {
  row.actions.update(a);
  const call = a.call;
  // Two lines a cell: what the agent is doing above, how long or how much below.
  const cells = [
    h('td', { class: 'agent' }, h('strong', { text: a.name || a.interface }), h('br'),
      h('span', { class: 'muted small', text: a.interface || '' })),
    h('td', { class: 'state' }, h('span', { class: `pill state ${STATE_PILL[a.state] || ''}`, text: STATE_LABEL[a.state] || a.state }),
      a.pauseReason ? h('span', { class: 'pause-text', text: ` ${a.pauseReason}` }) : null, h('br'),
      h('span', { class: 'muted small', text: 'for ' }),
      h('span', { class: 'timer', dataset: { since: a.since || '' }, text: secs(a.stateSeconds) })),
    call ? h('td', { class: 'call' },
      h('span', { class: 'caller' }, call.callerName && call.callerName !== call.callerNumber ? `${call.callerName} ` : '',
        h('span', { class: 'number', text: call.callerNumber || '' }), h('br')),
      h('span', { class: 'timer', dataset: { since: call.since || '' }, text: secs(call.seconds) }))
      : h('td', { class: 'call', text: '—' }),
    h('td', { class: 'today' },
      h('span', { class: 'count' }, h('span', { class: 'handled', text: String(a.handledToday) }), ' handled'), ' · ',
      h('span', { class: `count${a.missedToday > 0 ? ' some' : ''}`, title: "Rings let go unanswered today (Asterisk's AgentRingNoAnswer)" },
        h('span', { class: 'missed', text: String(a.missedToday || 0) }), ' missed'),
      presence(a)),
  ];
  row.tr.replaceChildren(...cells, row.actions.td);
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

/** Draws the board; `changed`: the keys of the only agents' rows that may have changed (a delta's), or null for all. */
function render(board, changed = null) {
  skew = Date.parse(board.at) - Date.now();
  zone = board.timezone || zone;
  lastBoard = board;
  renderPbx(board);
  renderFilter(board);
  renderTiles(board);
  renderWaiting(board);
  renderAgents(board, changed);
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

/** A board.delta onto the board this page has: the rows it carries, their order if it changed, the rest whole. */
function applyDelta(delta) {
  const board = lastBoard;
  for (const [k, v] of Object.entries(delta)) {
    if (!['type', 'seq', 'base', 'agents', 'agentOrder'].includes(k)) {
      board[k] = v;
    }
  }
  const byKey = new Map(board.agents.map((a) => [a.key, a]));
  delta.agents.forEach((a) => byKey.set(a.key, a));
  board.agents = (delta.agentOrder || board.agents.map((a) => a.key)).map((k) => byKey.get(k));
  render(board, delta.agentOrder ? null : new Set(delta.agents.map((a) => a.key)));
}

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
      seq = msg.seq;
      render(msg);
    } else if (msg.type === 'board.delta') {
      if (seq === null || msg.base !== seq || !lastBoard) {
        ws.close(); // the server sends the whole board after a gap; should it not have, the new socket starts with it
        return;
      }
      seq = msg.seq;
      applyDelta(msg);
    }
  });
  ws.addEventListener('close', (event) => {
    seq = null;
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

function setUpFilter() {
  $('#queue-filter').addEventListener('change', (event) => {
    shownQueue = event.target.value;
    if (shownQueue) {
      localStorage.setItem(FILTER_KEY, shownQueue);
    } else {
      localStorage.removeItem(FILTER_KEY);
    }
    if (lastBoard) {
      render(lastBoard);
    }
  });
}

async function start() {
  setUpFilter();
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
    joinable = s.deskQueues || [];
    $('#who').textContent = me.name;
    $('#admin-link').hidden = me.role !== 'admin';
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
