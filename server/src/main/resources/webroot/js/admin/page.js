// What both data admin pages (knowledge base, callers) do first: who is signed in, refusing agents, read-only
// for supervisors; then the page's own part is shown and mounted.
import { session, signOut } from '../api.js';
import { $ } from '../dom.js';

function deny(text) {
  $('#denied').textContent = text;
  $('#denied').hidden = false;
}

/** Starts the page: `area` is the id of what it shows, `mount({canChange})` its own part. */
export function startDataAdminPage(area, mount) {
  (async () => {
    const s = await session();
    $('#who').textContent = s.agent.name;
    $('#signout').addEventListener('click', signOut);
    if (s.agent.role === 'agent') {
      deny('The admin pages are for admins (supervisors may read them).');
      return;
    }
    const canChange = s.agent.role === 'admin';
    $('#read-only').hidden = canChange;
    $(`#${area}`).hidden = false;
    await mount({ canChange });
  })().catch((e) => deny(e.message));
}
