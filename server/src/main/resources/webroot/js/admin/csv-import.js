// A CSV import in two steps: "Check the file" asks for a preview that writes nothing and lists every
// row's problems; "Import" is offered only when there are none, and sends the very same file again.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';

function table(el, rows) {
  el.hidden = rows.length === 0;
  fill($('tbody', el), rows.map((e) => h('tr', {},
    h('td', { class: 'num' }, String(e.row)), h('td', {}, e.field), h('td', {}, e.message))));
}

/**
 * Wires the import form in `root`: its parts are marked data-part="form|file|preview|go|summary|error|errors|warnings".
 * `path` is e.g. /api/callers/import; `noun` names a row ("caller"); `onImported()` runs after an import.
 */
export function mountCsvImport(root, { path, noun, onImported }) {
  const part = (name) => $(`[data-part="${name}"]`, root);
  const plural = (n, word) => `${n} ${n === 1 ? word : `${word}s`}`;
  let checkedFile = null;

  function error(text) {
    part('error').textContent = text;
    part('error').hidden = !text;
  }
  function report(r) {
    table(part('errors'), r.errors || []);
    if (part('warnings')) {
      table(part('warnings'), r.warnings || []);
    }
  }
  async function send(to) {
    const file = part('file').files[0];
    return api('POST', `${to}?filename=${encodeURIComponent(file.name)}`, await file.arrayBuffer(),
      { 'Content-Type': 'text/csv' });
  }

  part('file').addEventListener('change', () => {
    checkedFile = null;
    part('go').disabled = true;
    part('summary').textContent = '';
    error('');
    report({});
  });
  part('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    error('');
    part('summary').textContent = '';
    part('go').disabled = true;
    if (!part('file').files.length) {
      error('file: choose a CSV file first');
      part('file').focus();
      return;
    }
    try {
      const r = await send(`${path}/preview`);
      report(r);
      if (r.errorCount === 0) {
        checkedFile = part('file').files[0];
        part('summary').textContent = `${plural(r.rows, 'row')}, all correct: ready to import.`
          + (r.warningCount ? ` ${plural(r.warningCount, 'number')} to look at first (below).` : '');
        part('go').disabled = false;
      } else {
        part('summary').textContent = `${r.rows} rows: ${r.valid} correct, ${plural(r.errorCount, 'problem')} to fix`
          + ' (below). Nothing will be imported until every row is right.';
      }
    } catch (e) {
      error(e.message);
    }
  });
  part('go').addEventListener('click', async () => {
    if (!checkedFile || part('file').files[0] !== checkedFile) {
      return;
    }
    part('go').disabled = true;
    try {
      const r = await send(path);
      part('summary').textContent = `Imported ${plural(r.imported, noun)}.`;
      report({});
      checkedFile = null;
      await onImported();
    } catch (e) {
      error(e.message);
      if (e.body) {
        report(e.body);
      }
    }
  });
}
