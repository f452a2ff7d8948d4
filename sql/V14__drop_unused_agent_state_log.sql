-- agent_state_log (V1) was never written nor read: sign-ins and pauses are kept as intervals in
-- agent_presence (V13), and supervisors' steps in the audit log (V4).
DROP TABLE agent_state_log;
