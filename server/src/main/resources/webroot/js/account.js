// The "change your password" page, reachable from every page's top bar.
import { api, homeOf, session, signOut } from './api.js';
import { $ } from './dom.js';

const form = $('#password-form');
const error = $('#new-password-error');
const done = $('#password-done');

const FIELDS = { currentPassword: '#current-password', newPassword: '#new-password' };

function refuse(text, input) {
  error.textContent = text;
  error.hidden = false;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

async function change(event) {
  event.preventDefault();
  error.hidden = true;
  done.hidden = true;
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const currentPassword = form.currentPassword.value;
  const newPassword = form.newPassword.value;
  if (!currentPassword) {
    refuse('Enter your current password.', form.currentPassword);
    return;
  }
  if (newPassword.length < 8) {
    refuse('The new password is too short (at least 8 characters).', form.newPassword);
    return;
  }
  if (newPassword !== form.repeatPassword.value) {
    refuse('The two new passwords differ; type the same one twice.', form.repeatPassword);
    return;
  }
  $('#password-submit').disabled = true;
  try {
    await api('POST', '/api/session/password', { currentPassword, newPassword });
    form.reset();
    done.textContent = 'Your password has been changed. Your other sessions have ended.';
    done.hidden = false;
  } catch (e) {
    const input = e.field && FIELDS[e.field] ? $(FIELDS[e.field]) : null;
    const what = e.field === 'currentPassword' ? 'Current password: ' : e.field === 'newPassword' ? 'New password: ' : '';
    // The server's detail starts with the field's name, which the words before it already say.
    const detail = e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
    refuse(`${what}${detail}`, input);
  } finally {
    $('#password-submit').disabled = false;
  }
}

async function main() {
  const s = await session();
  $('#who').textContent = s.agent.name;
  $('#account-username').value = s.agent.username;
  const home = $('#home');
  home.href = homeOf(s.agent);
  home.textContent = { '/desk': 'Back to the desk', '/board': 'Back to the wallboard', '/admin': 'Back to admin' }[home.getAttribute('href')]
    || 'Back';
  $('#signout').addEventListener('click', signOut);
  form.addEventListener('submit', change);
  document.body.dataset.ready = 'true';
}

main().catch((e) => refuse(e.message));
