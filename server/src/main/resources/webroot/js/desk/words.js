// Words for what the server sends as codes: menu paths, member states, dispositions; who is calling.

const STEPS = {
  hardware: 'Hardware',
  software: 'Software',
  network: 'Network & Internet',
  'network-internet': 'Network & Internet',
  internet: 'Network & Internet',
  ticket: 'Ticket status',
  'ticket-status': 'Ticket status',
  operator: 'Operator',
  closed: 'Closed hours',
  callback: 'Callback request',
  transfer: 'Transferred',
  fallback: 'No choice made',
  locked: 'Too many wrong PINs',
  priority: 'Priority',
};

/** main/software → "Software"; main/ticket/operator → "Ticket status › Operator". */
export function menuWords(path) {
  if (!path) {
    return '—';
  }
  const words = path.split('/').filter((s) => s && s !== 'main').map((s) => STEPS[s] || s);
  return words.length ? words.join(' › ') : 'Main menu';
}

export const STATES = {
  available: ['Available', 'ok'],
  paused: ['Paused', 'warn'],
  ringing: ['Ringing', 'ring'],
  'in-call': ['On a call', 'info'],
  busy: ['On another call', 'info'],
  'signed-out': ['Signed out of all queues', 'bad'],
  unavailable: ['Phone unavailable', 'bad'],
  'no-interface': ['No phone set up', 'bad'],
  unknown: ['Status not known yet', ''],
};

export const DISPOSITIONS = {
  resolved: 'Resolved',
  'ticket-opened': 'Ticket opened',
  'ticket-updated': 'Ticket updated',
  escalated: 'Escalated',
  'callback-needed': 'Call back needed',
  'no-problem': 'No problem',
};

/** An abandoned call's status or a disposition, in words. */
export function outcomeWords(h) {
  if (h.disposition) {
    return DISPOSITIONS[h.disposition] || h.disposition;
  }
  return { answered: 'Answered', abandoned: 'Hung up waiting', unanswered: 'Not answered',
    'menu-only': 'Menu only', internal: 'Internal', callback: 'Called back', 'in-progress': 'In progress' }[h.status] || h.status || '—';
}

/** Who is calling: the known caller's name, else what the phone said, else "Unknown caller". */
export function callerLabel(msg) {
  if (msg.caller) {
    return msg.caller.name;
  }
  return msg.call.callerName || msg.call.callerNumber || 'Unknown caller';
}
