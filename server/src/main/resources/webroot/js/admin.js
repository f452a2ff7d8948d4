// The admin page (/admin): who may see it, the top bar, and the agents' list and editor.
import { api, session, signOut } from './api.js';
import { $ } from './dom.js';
import { mountAgents } from './admin/agents.js';

async function main() {
  const s = await session();
  $('#who').textContent = s.agent.name;
  $('#signout').addEventListener('click', signOut);
  if (s.agent.role !== 'admin') {
    // The API refuses a non-administrator anyway; the page says so plainly instead of showing empty lists.
    const refusal = $('#admin-refusal');
    refusal.textContent = `The admin pages are for administrators; you are signed in as ${s.agent.username} (${s.agent.role}).`;
    refusal.hidden = false;
    document.body.dataset.ready = 'refused';
    return;
  }
  const settings = await api('GET', '/api/settings');
  await mountAgents({ me: s.agent, deskQueues: settings.queues }).load();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const refusal = $('#admin-refusal');
  refusal.textContent = e.message;
  refusal.hidden = false;
});
