-- The agent's phone as Asterisk knows its state (queue members' StateInterface, e.g. PJSIP/1001),
-- for members that ring the phone through a Local channel. NULL: Firstline derives it from the
-- member interface where the dialplans' convention makes that safe (Local/1001@agents/n ->
-- PJSIP/1001, PJSIP/1001 -> itself); otherwise the queues cannot see the phone busy and
-- supervisors cannot step in until it is set.
ALTER TABLE agents
  ADD COLUMN state_interface VARCHAR(200) NULL
    COMMENT 'Asterisk state interface of the agent''s phone, e.g. PJSIP/1001; NULL = derived from interface'
    AFTER interface;
