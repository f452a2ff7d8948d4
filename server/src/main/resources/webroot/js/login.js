// The sign-in form: Enter submits; agents land on the desktop, supervisors on the wallboard, administrators on /admin.
import { api, homeOf } from './api.js';

const form = document.getElementById('signin');
const error = document.getElementById('signin-error');
const submit = document.getElementById('signin-submit');

async function alreadySignedIn() {
  const s = await api('GET', '/api/session').catch(() => null);
  if (s && s.agent) {
    location.replace(homeOf(s.agent));
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) {
    error.textContent = 'Enter your username and password.';
    error.hidden = false;
    return;
  }
  submit.disabled = true;
  try {
    const s = await api('POST', '/api/login', { username, password });
    location.assign(homeOf(s.agent));
  } catch (e) {
    error.textContent = e.status === 401 ? 'Wrong username or password.' : e.message;
    error.hidden = false;
    form.password.select();
  } finally {
    submit.disabled = false;
  }
});

alreadySignedIn();
