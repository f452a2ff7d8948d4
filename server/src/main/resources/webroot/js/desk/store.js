// What the desk keeps in localStorage, per agent: JSON under firstline.desk.<agent id>.<name>.

/** The agent's store: `get(name)` (null when absent or unreadable), `set(name, value)`, `remove(name)`. */
export function agentStore(agentId) {
  const key = (name) => `firstline.desk.${agentId}.${name}`;
  return {
    get(name) {
      try {
        return JSON.parse(localStorage.getItem(key(name)));
      } catch (e) {
        return null;
      }
    },
    set(name, value) {
      localStorage.setItem(key(name), JSON.stringify(value));
    },
    remove(name) {
      localStorage.removeItem(key(name));
    },
  };
}
