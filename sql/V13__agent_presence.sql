-- When each queue member was signed in (a member of at least one queue) and paused, as intervals, so that the
-- board can say how long each agent was signed in and paused today, across restarts of Firstline.
-- ended_at is NULL while the interval is open. confirmed_at is the last moment Firstline knew the interval still
-- held (refreshed every minute while the PBX link is up): an interval found over when Firstline resynchronises
-- with the PBX (after a restart or a lost link) is closed there, not at the resync, so time nobody saw is not counted.
CREATE TABLE agent_presence (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  pbx             VARCHAR(64)  NOT NULL,
  interface       VARCHAR(200) NOT NULL COMMENT 'Asterisk queue-member interface, as the PBX reports it',
  kind            VARCHAR(16)  NOT NULL,
  reason          VARCHAR(200)     NULL COMMENT 'the pause reason; NULL for signed-in and for a pause without one',
  started_at      DATETIME(3)  NOT NULL,
  ended_at        DATETIME(3)      NULL,
  confirmed_at    DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  -- One interval per member, kind and start: a step written again after a lost answer is not written twice.
  UNIQUE KEY uq_agent_presence_start (pbx, interface, kind, started_at),
  -- Today's intervals of every member: those still open or ended since the day began.
  KEY ix_agent_presence_ended (ended_at, started_at),
  CONSTRAINT ck_agent_presence_kind CHECK (kind IN ('signed-in', 'paused')),
  CONSTRAINT ck_agent_presence_period CHECK (ended_at IS NULL OR ended_at >= started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
