// The callbacks panel: who hung up waiting or asked to be called back, a page at a time; calling them
// and saving the result.

import { api } from '../api.js';
import { h, fill, $, when } from '../dom.js';
import { answerLine, asteriskSays, refused } from './answers.js';

const PAGE = 8;

/** Wires #callbacks, its count, pager and refresh button. Returns `load(why)`; why 'timer' skips while a result is being picked. */
export function mountCallbacks() {
  let offset = 0;

  /** The page shown, oldest first. The minute's refresh waits while a result is being picked, so that it is not lost. */
  async function load(why) {
    const list = $('#callbacks');
    const picking = list.contains(document.activeElement)
      || [...list.querySelectorAll('select')].some((select) => select.value !== '');
    if (why === 'timer' && picking) {
      return;
    }
    try {
      let r = await api('GET', `/api/callbacks?limit=${PAGE}&offset=${offset}`);
      if (!r.items.length && r.total > 0) {
        // Callbacks done meanwhile emptied this page: show the last one there is.
        offset = Math.floor((r.total - 1) / PAGE) * PAGE;
        r = await api('GET', `/api/callbacks?limit=${PAGE}&offset=${offset}`);
      }
      fill(list, r.items.length ? r.items.map((cb) => item(cb, load)) : h('li', { class: 'muted', text: 'Nobody to call back' }));
      $('#callbacks-count').textContent = r.total ? `(${r.total})` : '';
      const pager = $('#callbacks-pager');
      pager.hidden = r.total <= PAGE;
      $('#callbacks-range').textContent = r.items.length
        ? `${offset + 1}–${offset + r.items.length} of ${r.total}` : '';
      $('#callbacks-prev').disabled = offset === 0;
      $('#callbacks-next').disabled = offset + r.items.length >= r.total;
    } catch (e) {
      refused($('#callbacks-answer'), e);
    }
  }

  $('#callbacks-refresh').addEventListener('click', () => load());
  $('#callbacks-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(); });
  $('#callbacks-next').addEventListener('click', () => { offset += PAGE; load(); });
  return { load };
}

function item(cb, reload) {
  const who = cb.caller ? `${cb.caller.name}${cb.caller.organisation ? ` · ${cb.caller.organisation}` : ''}` : cb.phone;
  const reason = cb.reason === 'abandoned' ? 'hung up waiting' : 'asked for a callback';
  const call = h('button', { type: 'button', class: 'small', text: 'Call back', 'aria-label': `Call back ${who}` });
  call.addEventListener('click', async () => {
    call.disabled = true;
    try {
      const r = await api('POST', `/api/callbacks/${cb.id}/call`, {});
      asteriskSays($('#callbacks-answer'), r);
    } catch (e) {
      refused($('#callbacks-answer'), e);
    } finally {
      call.disabled = false;
      reload();
    }
  });
  const resultId = `cb-result-${cb.id}`;
  const result = h('select', { id: resultId, class: 'small' },
    h('option', { value: '', text: 'Result…' }),
    h('option', { value: 'reached', text: 'Reached' }), h('option', { value: 'no-answer', text: 'No answer' }),
    h('option', { value: 'voicemail', text: 'Voicemail' }), h('option', { value: 'busy', text: 'Busy' }),
    h('option', { value: 'wrong-number', text: 'Wrong number' }));
  const save = h('button', { type: 'button', class: 'small', text: 'Save', 'aria-label': `Save the result for ${who}` });
  save.addEventListener('click', async () => {
    if (!result.value) {
      return;
    }
    try {
      await api('POST', `/api/callbacks/${cb.id}/result`, { result: result.value });
      answerLine($('#callbacks-answer'), 'ok', 'Result saved.');
      reload();
    } catch (e) {
      refused($('#callbacks-answer'), e);
    }
  });
  const details = [cb.caller ? cb.phone : null, reason, when(cb.createdAt), cb.queue,
    cb.result ? `${cb.result}${cb.handledBy ? ` (${cb.handledBy.name})` : ''}` : null].filter(Boolean).join(' · ');
  return h('li', {},
    // One line, cut short if it must: the whole of it is in the tooltip.
    h('div', { class: 'who', title: `${who} · ${details}` }, h('strong', { text: who }), ' ', h('span', { class: 'muted small', text: details })),
    call, h('label', { class: 'visually-hidden', for: resultId, text: `Result of calling ${who}` }), result, save);
}
