-- Firstline problems database, version 1.
-- MariaDB dialect, utf8mb4, InnoDB. All times are UTC in DATETIME(3) columns; the server
-- writes them and sets time_zone = '+00:00' on every connection.

CREATE TABLE agents (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  username        VARCHAR(64)  NOT NULL,
  name            VARCHAR(200) NOT NULL,
  password_hash   VARCHAR(255) NOT NULL,
  role            VARCHAR(16)  NOT NULL,
  interface       VARCHAR(200)     NULL COMMENT 'Asterisk queue-member interface, e.g. PJSIP/1001 or Local/1001@agents/n',
  active          BOOLEAN      NOT NULL DEFAULT TRUE,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_agents_username (username),
  UNIQUE KEY uq_agents_interface (interface),
  CONSTRAINT ck_agents_role CHECK (role IN ('agent', 'supervisor', 'admin'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Signed-in sessions. Only a SHA-256 of the token is kept, so a copy of the table signs nobody in.
CREATE TABLE sessions (
  token_hash      CHAR(64)     NOT NULL,
  agent_id        BIGINT       NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  last_seen_at    DATETIME(3)  NOT NULL,
  PRIMARY KEY (token_hash),
  KEY ix_sessions_agent (agent_id),
  CONSTRAINT fk_sessions_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE callers (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  name            VARCHAR(200) NOT NULL,
  organisation    VARCHAR(200)     NULL,
  email           VARCHAR(254)     NULL,
  vip             BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_callers_name (name),
  KEY ix_callers_organisation (organisation),
  KEY ix_callers_email (email),
  FULLTEXT KEY ft_callers (name, organisation, email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A number may be shared (an organisation's switchboard), so it is not unique across callers.
CREATE TABLE caller_phones (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  caller_id       BIGINT       NOT NULL,
  phone           VARCHAR(32)  NOT NULL COMMENT 'E.164, e.g. +15551234567',
  PRIMARY KEY (id),
  UNIQUE KEY uq_caller_phones (caller_id, phone),
  KEY ix_caller_phones_phone (phone),
  CONSTRAINT fk_caller_phones_caller FOREIGN KEY (caller_id) REFERENCES callers (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per call, keyed by the PBX it came through and Asterisk's Linkedid.
CREATE TABLE calls (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  pbx             VARCHAR(64)  NOT NULL,
  linkedid        VARCHAR(64)  NOT NULL,
  caller_number   VARCHAR(64)      NULL,
  caller_name     VARCHAR(200)     NULL,
  caller_id       BIGINT           NULL,
  menu_path       VARCHAR(255)     NULL,
  ticket_typed    VARCHAR(32)      NULL,
  queue           VARCHAR(80)      NULL,
  status          VARCHAR(20)  NOT NULL,
  agent_id        BIGINT           NULL,
  agent_interface VARCHAR(200)     NULL,
  entered_at      DATETIME(3)  NOT NULL,
  queued_at       DATETIME(3)      NULL,
  answered_at     DATETIME(3)      NULL,
  ended_at        DATETIME(3)      NULL,
  end_reason      VARCHAR(40)      NULL,
  wait_seconds    INT              NULL,
  talk_seconds    INT              NULL,
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_calls_pbx_linkedid (pbx, linkedid),
  KEY ix_calls_entered (entered_at),
  KEY ix_calls_caller (caller_id, entered_at),
  KEY ix_calls_queue (queue, entered_at),
  KEY ix_calls_agent (agent_id, entered_at),
  KEY ix_calls_status (status, entered_at),
  KEY ix_calls_number (caller_number, entered_at),
  CONSTRAINT fk_calls_caller FOREIGN KEY (caller_id) REFERENCES callers (id) ON DELETE SET NULL,
  CONSTRAINT fk_calls_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The timeline of a call. event_key makes a replayed event a no-op.
CREATE TABLE call_events (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  call_id         BIGINT       NOT NULL,
  event_key       VARCHAR(160) NOT NULL,
  at              DATETIME(3)  NOT NULL,
  type            VARCHAR(40)  NOT NULL,
  queue           VARCHAR(80)      NULL,
  agent_id        BIGINT           NULL,
  interface       VARCHAR(200)     NULL,
  detail          VARCHAR(500)     NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_call_events_key (call_id, event_key),
  KEY ix_call_events_call_at (call_id, at),
  CONSTRAINT fk_call_events_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE,
  CONSTRAINT fk_call_events_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE tickets (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  caller_id       BIGINT       NOT NULL,
  call_id         BIGINT           NULL COMMENT 'the call the ticket was opened from',
  category        VARCHAR(16)  NOT NULL,
  priority        VARCHAR(16)  NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  subject         VARCHAR(200) NOT NULL,
  problem         TEXT             NULL,
  resolution      TEXT             NULL,
  created_by      BIGINT           NULL,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  resolved_at     DATETIME(3)      NULL,
  PRIMARY KEY (id),
  KEY ix_tickets_caller_status (caller_id, status, created_at),
  KEY ix_tickets_status (status, created_at),
  KEY ix_tickets_created (created_at),
  CONSTRAINT fk_tickets_caller FOREIGN KEY (caller_id) REFERENCES callers (id),
  CONSTRAINT fk_tickets_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE SET NULL,
  CONSTRAINT fk_tickets_created_by FOREIGN KEY (created_by) REFERENCES agents (id) ON DELETE SET NULL,
  CONSTRAINT ck_tickets_category CHECK (category IN ('hardware', 'software', 'network', 'account', 'other')),
  CONSTRAINT ck_tickets_priority CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  CONSTRAINT ck_tickets_status CHECK (status IN ('open', 'pending', 'resolved', 'closed'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE ticket_notes (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  ticket_id       BIGINT       NOT NULL,
  agent_id        BIGINT           NULL,
  body            TEXT         NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  KEY ix_ticket_notes_ticket (ticket_id, created_at),
  CONSTRAINT fk_ticket_notes_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
  CONSTRAINT fk_ticket_notes_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The problems-and-solutions log.
CREATE TABLE kb_articles (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  title           VARCHAR(200) NOT NULL,
  problem         TEXT         NOT NULL,
  solution        TEXT         NOT NULL,
  category        VARCHAR(16)  NOT NULL,
  times_used      INT          NOT NULL DEFAULT 0,
  created_by      BIGINT           NULL,
  created_at      DATETIME(3)  NOT NULL,
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_kb_category_used (category, times_used),
  FULLTEXT KEY ft_kb (title, problem, solution),
  CONSTRAINT fk_kb_created_by FOREIGN KEY (created_by) REFERENCES agents (id) ON DELETE SET NULL,
  CONSTRAINT ck_kb_category CHECK (category IN ('hardware', 'software', 'network', 'account', 'other'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What the agent recorded at the end of a call. idempotency_key makes a resubmission a no-op.
CREATE TABLE call_outcomes (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  call_id         BIGINT       NOT NULL,
  agent_id        BIGINT           NULL,
  disposition     VARCHAR(32)  NOT NULL,
  notes           TEXT             NULL,
  ticket_id       BIGINT           NULL,
  ticket_action   VARCHAR(16)      NULL,
  kb_article_id   BIGINT           NULL,
  wrapup_seconds  INT              NULL,
  idempotency_key VARCHAR(100)     NULL,
  created_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_call_outcomes_idempotency (idempotency_key),
  KEY ix_call_outcomes_call (call_id),
  KEY ix_call_outcomes_agent (agent_id, created_at),
  KEY ix_call_outcomes_created (created_at),
  CONSTRAINT fk_call_outcomes_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE,
  CONSTRAINT fk_call_outcomes_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL,
  CONSTRAINT fk_call_outcomes_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE SET NULL,
  CONSTRAINT fk_call_outcomes_kb FOREIGN KEY (kb_article_id) REFERENCES kb_articles (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Sign-ins, sign-outs, queue joins and pauses, as they happened.
CREATE TABLE agent_state_log (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  agent_id        BIGINT       NOT NULL,
  at              DATETIME(3)  NOT NULL,
  state           VARCHAR(24)  NOT NULL,
  reason          VARCHAR(40)      NULL,
  queue           VARCHAR(80)      NULL,
  PRIMARY KEY (id),
  KEY ix_agent_state_log_agent (agent_id, at),
  KEY ix_agent_state_log_at (at),
  CONSTRAINT fk_agent_state_log_agent FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Callers to call back: abandoned calls and requests left in the phone menu.
CREATE TABLE callback_requests (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  call_id         BIGINT           NULL,
  caller_id       BIGINT           NULL,
  phone           VARCHAR(64)  NOT NULL,
  queue           VARCHAR(80)      NULL,
  menu_path       VARCHAR(255)     NULL,
  reason          VARCHAR(16)  NOT NULL,
  status          VARCHAR(16)  NOT NULL DEFAULT 'open',
  created_at      DATETIME(3)  NOT NULL,
  handled_by      BIGINT           NULL,
  handled_at      DATETIME(3)      NULL,
  result          VARCHAR(40)      NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_callback_requests_call (call_id, reason),
  KEY ix_callback_requests_status (status, created_at),
  KEY ix_callback_requests_caller (caller_id),
  CONSTRAINT fk_callback_requests_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE SET NULL,
  CONSTRAINT fk_callback_requests_caller FOREIGN KEY (caller_id) REFERENCES callers (id) ON DELETE SET NULL,
  CONSTRAINT fk_callback_requests_handled_by FOREIGN KEY (handled_by) REFERENCES agents (id) ON DELETE SET NULL,
  CONSTRAINT ck_callback_requests_reason CHECK (reason IN ('abandoned', 'requested')),
  CONSTRAINT ck_callback_requests_status CHECK (status IN ('open', 'in-progress', 'done', 'failed'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
