// The JSON API as the pages use it: the CSRF token on every write, and the server's own words on failure.

let csrfToken = null;

/** A refused or failed API call; `detail` is the server's explanation, `field` the input it names. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : `the server answered ${status}`);
    this.status = status;
    this.error = body && body.error;
    this.field = body && body.field;
    this.body = body;
  }
}

/**
 * Calls the API; resolves with the parsed JSON (or null for 204), rejects with an ApiError. A Blob
 * or ArrayBuffer body (a file) is sent as it is, with the Content-Type given in `extraHeaders`.
 */
export async function api(method, path, body, extraHeaders = {}) {
  const raw = body instanceof Blob || body instanceof ArrayBuffer;
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (body !== undefined && !raw) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined || raw ? body : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, { error: 'offline', detail: 'the server cannot be reached; check the network' });
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}

/**
 * Who is signed in (with the CSRF token and the settings pages need); sends the browser to the
 * sign-in page when nobody is.
 */
export async function session() {
  const s = await api('GET', '/api/session');
  if (!s.agent) {
    location.assign('/');
    return new Promise(() => {});
  }
  csrfToken = s.csrfToken;
  return s;
}

/** Ends the session everywhere and goes back to the sign-in page. */
export async function signOut() {
  try {
    await api('POST', '/api/logout');
  } finally {
    location.assign('/');
  }
}

/** Where a person lands after signing in. */
export function homeOf(agent) {
  return { agent: '/desk', supervisor: '/board', admin: '/admin' }[agent.role] || '/desk';
}
