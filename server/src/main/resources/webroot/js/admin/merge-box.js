// The merge box of an admin editor: the duplicate's number, what it is (looked up as it is typed),
// and the merge into the record in the editor.
import { api } from '../api.js';
import { $ } from '../dom.js';

const NUMBER = /^[0-9]{1,18}$/;

/**
 * Wires `#prefix-merge` (the form), `#prefix-merge-from` and `#prefix-merge-what`. `kept()` is the record
 * in the editor, `describe(d)` words a looked-up duplicate, `merged(kept, from)` is told of a merge,
 * `fail(e)` of an error.
 */
export function mountMergeBox({ prefix, path, kept, describe, merged, fail }) {
  const input = $(`#${prefix}-merge-from`);
  const what = $(`#${prefix}-merge-what`);
  let lookup = null;
  input.addEventListener('input', () => {
    clearTimeout(lookup);
    const raw = input.value.trim();
    lookup = setTimeout(async () => {
      if (!NUMBER.test(raw)) {
        what.textContent = raw ? 'Type the number shown in the list’s # column.' : '';
        return;
      }
      try {
        what.textContent = describe(await api('GET', `${path}/${raw}`));
      } catch (e) {
        what.textContent = e.message;
      }
    }, 250);
  });
  $(`#${prefix}-merge`).addEventListener('submit', async (event) => {
    event.preventDefault();
    const raw = input.value.trim();
    try {
      merged(await api('POST', `${path}/${kept().id}/merge`, { from: NUMBER.test(raw) ? Number(raw) : raw }), raw);
    } catch (e) {
      fail(e);
      if (e.field === 'from') {
        input.focus();
      }
    }
  });
}
