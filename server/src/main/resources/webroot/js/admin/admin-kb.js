// The knowledge-base admin page: who may see it, then the list and the editor (kb.js).
import { session, signOut } from '../api.js';
import { $ } from '../dom.js';
import { mountKbAdmin } from './kb.js';

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
  $('#kb-area').hidden = false;
  await mountKbAdmin({ canChange });
}

main().catch((e) => {
  $('#denied').textContent = e.message;
  $('#denied').hidden = false;
});
