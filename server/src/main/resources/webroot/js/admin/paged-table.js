// A paged table of an admin page: its rows from the API, "1–25 of 80", Previous and Next, and its errors.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';

const PAGE = 25;

/**
 * Wires the table whose elements are `#name-table`, `-count`, `-prev`, `-next` and `-error`.
 * `params()` gives the search (URLSearchParams) and `row(item)` each row; `empty` is what an empty
 * page says in the table, `none` in the count. Once a page is shown, `document.body.dataset[loaded]`
 * is its query, for the browser tests to wait on.
 */
export function pagedTable({ name, path, params, row, columns, empty, none, loaded }) {
  let offset = 0;
  const error = $(`#${name}-error`);

  async function load() {
    error.hidden = true;
    const p = params();
    p.set('limit', String(PAGE));
    p.set('offset', String(offset));
    try {
      const r = await api('GET', `${path}?${p}`);
      fill($(`#${name}-table tbody`), r.items.length === 0
        ? h('tr', {}, h('td', { class: 'empty', colspan: String(columns) }, empty))
        : r.items.map(row));
      const last = Math.min(offset + r.items.length, r.total);
      $(`#${name}-count`).textContent = r.total === 0 ? none : `${offset + 1}–${last} of ${r.total}`;
      $(`#${name}-prev`).disabled = offset === 0;
      $(`#${name}-next`).disabled = offset + PAGE >= r.total;
      document.body.dataset[loaded] = p.toString();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  }

  $(`#${name}-prev`).addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    load();
  });
  $(`#${name}-next`).addEventListener('click', () => {
    offset += PAGE;
    load();
  });

  return {
    /** Shows the current page again. */
    load,
    /** Shows the first page (after the search changed). */
    first() {
      offset = 0;
      return load();
    },
  };
}
