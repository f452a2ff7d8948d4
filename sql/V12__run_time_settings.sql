-- Settings that change at run time, edited by administrators on /admin/settings (docs/admin.md, "Settings").
-- When a table is empty (the first start with this version) the server fills it from the environment
-- (FIRSTLINE_PAUSE_REASONS, FIRSTLINE_DESK_QUEUES, FIRSTLINE_SERVICE_LEVEL_SECONDS, FIRSTLINE_BOARD_*,
-- FIRSTLINE_QUEUE_<NAME>_*) or their defaults, so an existing install keeps its behaviour; from then on
-- these rows are in force and those variables are not read again.

-- The reasons an agent may give for a pause, in the order the desk offers them.
CREATE TABLE pause_reasons (
  position        INT          NOT NULL,
  reason          VARCHAR(40)  NOT NULL,
  PRIMARY KEY (position),
  UNIQUE KEY uq_pause_reasons_reason (reason)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The queues agents may join, leave and transfer to from the desk, in the order the desk shows them.
-- Asterisk's queue names are case-sensitive, and so is this list.
CREATE TABLE desk_queues (
  position        INT          NOT NULL,
  name            VARCHAR(80)  COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (position),
  UNIQUE KEY uq_desk_queues_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- When a queue's wallboard tile turns amber or red, and the service level's threshold: one row of
-- defaults (queue '') and one row per queue that has its own.
CREATE TABLE board_thresholds (
  queue                 VARCHAR(80) COLLATE utf8mb4_bin NOT NULL
                          COMMENT 'empty: the defaults of every queue; else a queue name in lower case, - for _',
  service_level_seconds INT NOT NULL COMMENT 'answered within this many seconds counts as in service',
  waiting_amber         INT NOT NULL COMMENT 'callers waiting at or above: amber (0: never)',
  waiting_red           INT NOT NULL,
  longest_wait_amber    INT NOT NULL COMMENT 'longest wait in seconds at or above: amber (0: never)',
  longest_wait_red      INT NOT NULL,
  service_level_amber   INT NOT NULL COMMENT 'service level percent below: amber',
  service_level_red     INT NOT NULL,
  PRIMARY KEY (queue)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The desk queues an agent may join: NULL lets them join every desk queue; otherwise the names,
-- comma-separated (queue names have no commas), of the only ones they may join ('' = none).
ALTER TABLE agents
  ADD COLUMN may_join TEXT COLLATE utf8mb4_bin NULL
    COMMENT 'desk queues the agent may join, comma-separated; NULL = every desk queue'
    AFTER state_interface;
