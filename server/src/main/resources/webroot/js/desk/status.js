// The status bar: the agent's state (or the shown call's phase), pause and resume, the queues to join
// or leave, today's figures.

import { api } from '../api.js';
import { serverNow } from '../clock.js';
import { h, fill, $, duration, clock } from '../dom.js';
import { STATES, callerLabel } from './words.js';
import { answerLine, asteriskSays, refused } from './answers.js';

/**
 * Wires #pause, #resume, #queues and #figures. `notice(kind, text, id)` shows a banner. Told
 * `showCall(call, ringing)` by the call card (the shown call and the call ringing now, if any),
 * `applyMember(m)` of each agent.state and `missed(seconds)` of each call.missed. Returns those
 * and what the rest of the desk calls.
 */
export function mountStatus({ notice }) {
  let member = { state: 'unknown', paused: false, pauseReason: null, since: null, queues: [] };
  let availableQueues = [];
  let call = null;
  let ringing = null;
  let pauseAsked = false;
  let lastMiss = null;

  /** A pause taken during a call or wrap-up: the state says the call, this says the pause in force. */
  function renderPaused(shown) {
    const el = $('#state-paused');
    el.hidden = !shown || !member.paused;
    el.textContent = member.paused ? (member.pauseReason ? `Paused: ${member.pauseReason}` : 'Paused') : '';
  }

  function renderStatus() {
    const pill = $('#state');
    const detail = $('#state-detail');
    const c = call;
    const now = serverNow();
    const rings = c && c.phase === 'ringing' ? c.msg : ringing;
    renderPaused(!!rings || (c && c.phase !== 'ringing' && !c.reopened));
    if (rings) {
      pill.className = 'pill ring';
      pill.textContent = 'Ringing';
      detail.textContent = callerLabel(rings);
      return;
    }
    if (c && c.phase === 'connected') {
      pill.className = 'pill info';
      pill.textContent = 'On call';
      const since = c.msg.call.answeredAt ? Date.parse(c.msg.call.answeredAt) : c.connectedAt;
      detail.textContent = `${callerLabel(c.msg)} · ${duration((now - since) / 1000)}`;
      return;
    }
    if (c && c.phase === 'ended' && !c.reopened) {
      pill.className = 'pill warn';
      pill.textContent = 'Wrap-up';
      detail.textContent = `${duration((now - c.endedAt) / 1000)}${c.saved ? ' · outcome saved' : ''}`;
      return;
    }
    const m = member;
    const [words, kind] = STATES[m.state] || [m.state, ''];
    pill.className = `pill ${kind}`;
    pill.textContent = m.state === 'paused' && m.pauseReason ? `Paused: ${m.pauseReason}` : words;
    renderPaused(m.state !== 'paused');
    detail.textContent = m.since && (m.state === 'paused' || m.state === 'available')
      ? `since ${clock(m.since)} (${duration((now - Date.parse(m.since)) / 1000)})` : '';
  }

  function renderQueues() {
    const list = $('#queues');
    const mine = new Set(member.queues || []);
    fill(list, availableQueues.map((q) => {
      const joined = mine.has(q);
      const button = h('button', { type: 'button', text: joined ? 'Leave' : 'Join', 'aria-label': `${joined ? 'Leave' : 'Join'} queue ${q}` });
      button.addEventListener('click', () => membership(q, !joined, button));
      return h('li', {}, h('span', { class: 'name', text: q }),
        h('span', { class: joined ? 'pill ok' : 'pill', text: joined ? 'member' : 'not in it' }), button);
    }));
  }

  async function membership(queue, join, button) {
    button.disabled = true;
    try {
      const r = await api('POST', `/api/agents/me/${join ? 'join' : 'leave'}`, { queue });
      asteriskSays($('#pbx-answer'), r);
    } catch (e) {
      refused($('#pbx-answer'), e);
    } finally {
      button.disabled = false;
      refreshStatus();
    }
  }

  async function pause() {
    const reason = $('#pause-reason').value;
    pauseAsked = true;
    try {
      const r = await api('POST', '/api/agents/me/pause', { reason });
      asteriskSays($('#pbx-answer'), r);
    } catch (e) {
      pauseAsked = false;
      refused($('#pbx-answer'), e);
    }
  }

  async function resume() {
    try {
      const r = await api('POST', '/api/agents/me/unpause', {});
      asteriskSays($('#pbx-answer'), r);
      $('#notices').querySelectorAll('[data-id="autopause"]').forEach((n) => n.remove());
    } catch (e) {
      refused($('#pbx-answer'), e);
    }
  }

  async function refreshStatus() {
    try {
      const s = await api('GET', '/api/agents/me/status');
      availableQueues = s.availableQueues;
      applyMember({ state: s.state, paused: s.paused, pauseReason: s.pauseReason, since: s.since, queues: s.queues });
    } catch (e) {
      answerLine($('#pbx-answer'), 'bad', e.message);
    }
  }

  function applyMember(m) {
    const wasPaused = member.paused;
    // Every message carries the whole state: a reason left out is no reason, not the last one.
    member = { state: m.state, paused: !!m.paused || m.state === 'paused', pauseReason: m.pauseReason || null,
      since: m.since || null, queues: m.queues || [] };
    if (member.paused && !wasPaused) {
      const miss = lastMiss;
      const recentMiss = miss && Date.now() - miss.at < 30000;
      // Asterisk's autopause gives the reason "Auto-Pause"; older versions give none, hence the recent miss.
      if (!pauseAsked && (m.pauseReason === 'Auto-Pause' || recentMiss)) {
        notice('warn', `Asterisk paused you after a call rang${recentMiss ? ` ${miss.seconds} s` : ''} on your phone `
          + 'without an answer. Press Resume (Alt+R) when you are back.', 'autopause');
      }
      pauseAsked = false;
    }
    renderStatus();
    renderQueues();
  }

  async function refreshFigures() {
    try {
      const f = await api('GET', '/api/agents/me/figures');
      $('#figures').textContent = `Today: ${f.answered} call${f.answered === 1 ? '' : 's'} · `
        + `avg handle ${duration(f.averageHandleSeconds)}`
        + `${f.firstCallResolutionPercent === null ? '' : ` · ${f.firstCallResolutionPercent}% resolved first time`}`;
    } catch (e) {
      $('#figures').textContent = '';
    }
  }

  function showCall(c, r) {
    call = c;
    ringing = r;
    renderStatus();
  }

  function missed(seconds) {
    lastMiss = { at: Date.now(), seconds };
  }

  $('#pause').addEventListener('click', pause);
  $('#resume').addEventListener('click', resume);
  return { render: renderStatus, refresh: refreshStatus, applyMember, showCall, missed, refreshFigures, pause, resume,
    queues: () => [...(member.queues || [])] };
}
