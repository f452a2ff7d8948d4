// A CSV import in two steps: "Check the file" asks for a preview that writes nothing and lists every
// row's problems; "Import" is offered only when there are none, and sends the very same file again.
import { api } from '../api.js';
import { $, fill, h } from '../dom.js';

function table(el, rows) {
  el.hidden = rows.length === 0;
  fill($('tbody', el), rows.map((e) => h('tr', {},
    h('td', { class: 'num' }, String(e.row)), h('td', {}, e.field), h('td', {}, e.message))));
}

function report(id, caption, last) {
  return h('div', { class: 'scroll row-errors' },
    h('table', { id, class: 'import-report', hidden: true },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, 'Row'), h('th', { scope: 'col' }, 'Column'),
        h('th', { scope: 'col' }, last))),
      h('tbody')));
}

/**
 * Builds the import's form and reports at the end of `root` (whose heading and description the page
 * gives), their ids starting with root's id, and wires them. `path` is e.g. /api/callers/import; `noun`
 * names a row ("caller"); `warnings` whether the preview reports rows to look at; `onImported()` runs
 * after an import.
 */
export function mountCsvImport(root, { path, noun, warnings, onImported }) {
  const id = root.id;
  const parts = {
    file: h('input', { id: `${id}-file`, name: 'file', type: 'file', accept: '.csv,text/csv' }),
    preview: h('button', { id: `${id}-preview`, type: 'submit' }, 'Check the file'),
    go: h('button', { id: `${id}-go`, type: 'button', class: 'primary', disabled: true }, 'Import'),
    summary: h('p', { id: `${id}-summary`, role: 'status' }),
    error: h('p', { id: `${id}-error`, class: 'error', role: 'alert', hidden: true }),
    errors: report(`${id}-errors`, 'Problems to fix', 'Problem'),
    warnings: warnings ? report(`${id}-warnings`, 'To look at (these rows are imported all the same)', 'Note') : null,
  };
  parts.form = h('form', { id: `${id}-form`, novalidate: '' },
    h('label', { for: `${id}-file` }, 'CSV file'), parts.file, h('div', { class: 'actions' }, parts.preview, parts.go));
  root.append(parts.form, parts.summary, parts.error, parts.errors, ...(parts.warnings ? [parts.warnings] : []));
  const part = (name) => (name === 'errors' || name === 'warnings' ? $('table', parts[name]) : parts[name]);
  const plural = (n, word) => `${n} ${n === 1 ? word : `${word}s`}`;
  let checkedFile = null;

  function error(text) {
    part('error').textContent = text;
    part('error').hidden = !text;
  }
  function show(r) {
    table(part('errors'), r.errors || []);
    if (parts.warnings) {
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
    show({});
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
      show(r);
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
      show({});
      checkedFile = null;
      await onImported();
    } catch (e) {
      error(e.message);
      if (e.body) {
        show(e.body);
      }
    }
  });
}
