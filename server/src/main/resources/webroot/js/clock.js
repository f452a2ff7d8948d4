// The server's time, so that a call's timer counts from the server's instants whatever this browser's clock says.
let skew = 0;

/** Takes the server's time (an ISO instant, e.g. GET /api/session's `now`). */
export function setServerTime(iso) {
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) {
    skew = t - Date.now();
  }
}

/** The server's time now, in milliseconds since the epoch. */
export function serverNow() {
  return Date.now() + skew;
}
