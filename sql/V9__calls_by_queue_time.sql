-- Today's figures (the live board, about once a second under load) and the reports select the calls
-- that entered a queue in a period: by queued_at, which had no index, so each refresh read the whole
-- calls table (1.1 s at a million calls; docs/benchmarks.md).
ALTER TABLE calls
  ADD KEY ix_calls_queued (queued_at);
