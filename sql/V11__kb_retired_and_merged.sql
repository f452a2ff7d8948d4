-- An article is retired rather than deleted, so that outcomes which used it still show it; a retired
-- article is never suggested nor found by the desk's search. One merged into another is retired
-- with merged_into_id pointing at the one kept (its outcomes and its count of uses moved there);
-- only the merge writes it, and articles are never deleted, so it needs no foreign key.
ALTER TABLE kb_articles
  ADD COLUMN retired_at     DATETIME(3) NULL AFTER times_used,
  ADD COLUMN merged_into_id BIGINT      NULL AFTER retired_at,
  ADD KEY ix_kb_used (times_used),
  ADD KEY ix_kb_merged_into (merged_into_id);

-- Admins' changes to the knowledge base and the callers (kb.retire, kb.merge, caller.merge,
-- caller.import, ...) are written to the same audit log; they act on no agent.
ALTER TABLE audit_log MODIFY COLUMN action VARCHAR(40) NOT NULL
  COMMENT 'spy.listen, spy.whisper, spy.barge, agent.pause, agent.sign-out, kiosk.create, kiosk.revoke, kb.*, caller.*';
