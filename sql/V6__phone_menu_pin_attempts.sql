-- PINs typed in the phone menu's ticket-status branch, to limit guessing per calling number and
-- per ticket over a window (FIRSTLINE_PIN_FAILURES, FIRSTLINE_PIN_LOCK_MINUTES). An attempt is
-- written before its PIN is checked, so that attempts made at the same moment count against each
-- other; a right PIN, or an attempt refused because of the limit, removes its own row again. What
-- stays are the wrong PINs; rows older than the window are deleted as new attempts come in. Kept in
-- the database so that a restart does not reset the count, and shared by all nodes.
CREATE TABLE pin_attempts (
  id               BIGINT       NOT NULL AUTO_INCREMENT,
  at               DATETIME(3)  NOT NULL,
  phone            VARCHAR(64)  NOT NULL COMMENT 'the calling number (E.164)',
  ticket_id        BIGINT       NOT NULL COMMENT 'the ticket number typed, 0 when it was not one; no foreign key: unknown numbers count too',
  channel_uniqueid VARCHAR(64)      NULL COMMENT 'the caller''s channel (agi_uniqueid)',
  PRIMARY KEY (id),
  KEY ix_pin_attempts_phone (phone, at),
  KEY ix_pin_attempts_ticket (ticket_id, at),
  KEY ix_pin_attempts_at (at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
