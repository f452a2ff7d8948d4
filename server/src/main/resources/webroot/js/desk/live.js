// The desktop's WebSocket to /ws: reconnects with a growing delay and says how the line is.

const MAX_DELAY_MS = 30000;

/**
 * Opens /ws and keeps it open. `onMessage(msg)` gets each JSON message; `onStatus(kind, text)` is
 * told 'ok' | 'warn' | 'bad' with words for the indicator; `onSignedOut()` when the server says the
 * session is over (close code 4401).
 */
export function connectLive({ onMessage, onStatus, onSignedOut }) {
  let delay = 1000;
  let socket = null;
  let pinger = null;
  let countdown = null;

  function open() {
    clearInterval(countdown);
    onStatus('warn', 'Connecting…');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/ws`);
    socket.addEventListener('open', () => {
      delay = 1000;
      onStatus('ok', 'Live');
      pinger = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: 'ping' }));
        }
      }, 25000);
    });
    socket.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      onMessage(msg);
    });
    socket.addEventListener('close', (event) => {
      clearInterval(pinger);
      if (event.code === 4401) {
        onStatus('bad', 'Signed out');
        onSignedOut();
        return;
      }
      retry();
    });
  }

  function retry() {
    let left = Math.round(delay / 1000);
    onStatus('bad', `Offline · retrying in ${left} s`);
    countdown = setInterval(() => {
      left -= 1;
      if (left > 0) {
        onStatus('bad', `Offline · retrying in ${left} s`);
      }
    }, 1000);
    setTimeout(open, delay);
    delay = Math.min(MAX_DELAY_MS, delay * 2);
  }

  open();
}
