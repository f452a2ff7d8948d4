-- What supervisors did to agents (listen, whisper, barge, pause, sign out) and to wall screens,
-- with Asterisk's answer: who, whom, when, what. Rows are only ever added.
CREATE TABLE audit_log (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  at              DATETIME(3)  NOT NULL,
  actor_id        BIGINT       NOT NULL COMMENT 'the supervisor who acted',
  target_agent_id BIGINT           NULL COMMENT 'the agent acted on, if any',
  action          VARCHAR(40)  NOT NULL COMMENT 'spy.listen, spy.whisper, spy.barge, agent.pause, agent.sign-out, kiosk.create, kiosk.revoke',
  detail          VARCHAR(500)     NULL COMMENT 'e.g. the pause reason, the interfaces, the queues',
  pbx             VARCHAR(64)      NULL,
  success         BOOLEAN      NOT NULL,
  pbx_response    VARCHAR(500)     NULL COMMENT 'Asterisk''s answer, or why it could not be asked',
  PRIMARY KEY (id),
  KEY ix_audit_at (at),
  KEY ix_audit_target (target_agent_id, at),
  KEY ix_audit_actor (actor_id, at),
  CONSTRAINT fk_audit_actor FOREIGN KEY (actor_id) REFERENCES agents (id),
  CONSTRAINT fk_audit_target FOREIGN KEY (target_agent_id) REFERENCES agents (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Wall screens showing the board read-only (kiosk mode). Only a SHA-256 of the token is kept.
CREATE TABLE kiosk_screens (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  name            VARCHAR(100) NOT NULL,
  token_hash      CHAR(64)     NOT NULL,
  created_by      BIGINT       NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  expires_at      DATETIME(3)  NOT NULL,
  revoked_at      DATETIME(3)      NULL,
  last_seen_at    DATETIME(3)      NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_kiosk_token (token_hash),
  CONSTRAINT fk_kiosk_creator FOREIGN KEY (created_by) REFERENCES agents (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
