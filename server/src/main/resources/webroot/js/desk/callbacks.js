// The callbacks panel: who hung up waiting or asked to be called back, calling them and saving the result.

import { api } from '../api.js';
import { h, fill, $, when } from '../dom.js';
import { answerLine, asteriskSays, refused } from './answers.js';

/** Wires #callbacks and its refresh button. Returns `load(why)`; why 'timer' skips while a result is being picked. */
export function mountCallbacks() {
  $('#callbacks-refresh').addEventListener('click', () => loadCallbacks());
  return { load: loadCallbacks };
}

/** The callbacks, oldest first. The minute's refresh waits while a result is being picked, so that it is not lost. */
async function loadCallbacks(why) {
  const list = $('#callbacks');
  const picking = list.contains(document.activeElement)
    || [...list.querySelectorAll('select')].some((select) => select.value !== '');
  if (why === 'timer' && picking) {
    return;
  }
  try {
    const r = await api('GET', '/api/callbacks?limit=50');
    fill($('#callbacks'), r.items.length ? r.items.map(callbackItem) : h('li', { class: 'muted', text: 'Nobody to call back' }));
  } catch (e) {
    refused($('#callbacks-answer'), e);
  }
}

function callbackItem(cb) {
  const who = cb.caller ? `${cb.caller.name}${cb.caller.organisation ? ` · ${cb.caller.organisation}` : ''}` : cb.phone;
  const reason = cb.reason === 'abandoned' ? 'hung up waiting' : 'asked for a callback';
  const call = h('button', { type: 'button', text: 'Call back', 'aria-label': `Call back ${who}` });
  call.addEventListener('click', async () => {
    call.disabled = true;
    try {
      const r = await api('POST', `/api/callbacks/${cb.id}/call`, {});
      asteriskSays($('#callbacks-answer'), r);
    } catch (e) {
      refused($('#callbacks-answer'), e);
    } finally {
      call.disabled = false;
      loadCallbacks();
    }
  });
  const resultId = `cb-result-${cb.id}`;
  const result = h('select', { id: resultId },
    h('option', { value: '', text: 'Result…' }),
    h('option', { value: 'reached', text: 'Reached' }), h('option', { value: 'no-answer', text: 'No answer' }),
    h('option', { value: 'voicemail', text: 'Voicemail' }), h('option', { value: 'busy', text: 'Busy' }),
    h('option', { value: 'wrong-number', text: 'Wrong number' }));
  const save = h('button', { type: 'button', text: 'Save' });
  save.addEventListener('click', async () => {
    if (!result.value) {
      return;
    }
    try {
      await api('POST', `/api/callbacks/${cb.id}/result`, { result: result.value });
      answerLine($('#callbacks-answer'), 'ok', 'Result saved.');
      loadCallbacks();
    } catch (e) {
      refused($('#callbacks-answer'), e);
    }
  });
  return h('li', {},
    h('div', { class: 'who' }, h('strong', { text: who }), h('br'),
      h('span', { class: 'muted small', text: `${cb.phone} · ${reason} · ${when(cb.createdAt)}`
        + `${cb.queue ? ` · ${cb.queue}` : ''}${cb.result ? ` · ${cb.result}` : ''}`
        + `${cb.handledBy ? ` (${cb.handledBy.name})` : ''}` })),
    call, h('label', { class: 'visually-hidden', for: resultId, text: `Result of calling ${who}` }), result, save);
}

