// The line under a control that says what Asterisk answered or why the server refused.

export function answerLine(el, kind, text) {
  el.className = `pbx-answer ${kind}`;
  el.textContent = text;
}

/** Shows what Asterisk said (or why the server refused) under a control. */
export function asteriskSays(el, result) {
  const msg = result && result.asterisk ? result.asterisk.message : null;
  answerLine(el, 'ok', msg ? `Asterisk: ${msg}` : 'Done.');
}

export function refused(el, e) {
  answerLine(el, 'bad', e.message);
}
