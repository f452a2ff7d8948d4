-- A call whose end Firstline did not see (Firstline was stopped, or its link to the PBX was down,
-- when the call ended) is ended when Firstline resynchronises with the PBX: its ended_at is then
-- an estimate (the last event seen of it) and end_reason says why (docs/calls.md).
ALTER TABLE calls ADD COLUMN ended_at_estimated BOOLEAN NOT NULL DEFAULT FALSE AFTER ended_at;

-- The calls of a PBX still in progress: what a reconcile after each resync reads.
CREATE INDEX ix_calls_open ON calls (pbx, ended_at);
