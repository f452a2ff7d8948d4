-- A one-click callback's own call is linked to the callback request it answers (the request id
-- Firstline's Originate put in FIRSTLINE_CALLBACK_ID; the server links it only when that request
-- exists, so no foreign key is needed, and none makes calls and callback_requests refer in a circle).
ALTER TABLE calls
  ADD COLUMN callback_id BIGINT NULL AFTER caller_id,
  ADD KEY ix_calls_callback (callback_id);

-- Every agent who took a call, in order (the first who answered, then those it was transferred
-- to), with each one's talk time; calls.agent_id is the one who had it last, calls.talk_seconds
-- all of theirs together.
CREATE TABLE call_agents (
  call_id         BIGINT       NOT NULL,
  seq             INT          NOT NULL COMMENT '1 for the first answer, then in the order the agents took the call',
  agent_id        BIGINT           NULL,
  agent_interface VARCHAR(200) NOT NULL,
  answered_at     DATETIME(3)  NOT NULL,
  talk_seconds    INT              NULL COMMENT 'null while that agent is still talking',
  PRIMARY KEY (call_id, seq),
  KEY ix_call_agents_agent (agent_id, answered_at),
  CONSTRAINT fk_call_agents_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE,
  CONSTRAINT fk_call_agents_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
