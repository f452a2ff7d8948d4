// The callers admin page: who may see it, then the callers, organisations and import (callers.js).
import { session, signOut } from '../api.js';
import { $ } from '../dom.js';
import { mountCallersAdmin } from './callers.js';

async function main() {
  const s = await session();
  $('#who').textContent = s.agent.name;
  $('#signout').addEventListener('click', signOut);
  if (s.agent.role === 'agent') {
    $('#denied').textContent = 'The admin pages are for admins (supervisors may read them).';
    $('#denied').hidden = false;
    return;
  }
  const canChange = s.agent.role === 'admin';
  $('#read-only').hidden = canChange;
  $('#callers-area').hidden = false;
  await mountCallersAdmin({ canChange });
}

main().catch((e) => {
  $('#denied').textContent = e.message;
  $('#denied').hidden = false;
});
