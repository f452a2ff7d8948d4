// The transfer: sending the caller on to a queue or a colleague (a blind transfer of the agent's leg).

import { api } from '../api.js';
import { h, fill, $ } from '../dom.js';
import { answerLine, asteriskSays, refused } from './answers.js';

/**
 * Wires #transfer-box. `show(call)` is told of every change of the shown call (as the call card
 * gives it, or null): the box is there only while it is connected. Returns `show`, `load()`
 * (the queues and colleagues to transfer to) and `focus()`.
 */
export function mountTransfer() {
  let phase = null; // of the shown call
  let answered = null; // the linkedid of the call last answered, the one Asterisk's answer is about

  async function load() {
    try {
      const t = await api('GET', '/api/agents/me/transfer-targets');
      fill($('#transfer-target'), t.queues.map((q) => h('option', { value: `q:${q}`, text: `Queue: ${q}` })),
        t.agents.map((a) => h('option', { value: `a:${a.id}`, text: `Agent: ${a.name}` })));
    } catch (e) {
      answerLine($('#transfer-answer'), 'bad', e.message);
    }
  }

  async function transfer() {
    const v = $('#transfer-target').value;
    if (!v || phase !== 'connected') {
      return;
    }
    const body = v.startsWith('q:') ? { queue: v.slice(2) } : { agentId: Number(v.slice(2)) };
    try {
      const r = await api('POST', '/api/agents/me/transfer', body);
      asteriskSays($('#transfer-answer'), r);
    } catch (e) {
      refused($('#transfer-answer'), e);
    }
  }

  function show(call) {
    phase = call ? call.phase : null;
    if (!call) {
      return;
    }
    if (call.phase === 'connected' && call.msg.call.linkedid !== answered) {
      answered = call.msg.call.linkedid;
      answerLine($('#transfer-answer'), '', '');
    }
    // Only a connected call can be transferred; Asterisk's answer stays in sight below the box.
    $('#transfer-box').hidden = call.phase !== 'connected';
  }

  $('#transfer').addEventListener('click', transfer);
  return { show, load, focus: () => $('#transfer-target').focus() };
}
