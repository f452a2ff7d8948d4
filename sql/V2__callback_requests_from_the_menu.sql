-- A callback request left in the phone menu is keyed by the Asterisk channel that asked for it,
-- so that a retried AGI request cannot store it twice.
ALTER TABLE callback_requests
  ADD COLUMN channel_uniqueid VARCHAR(64) NULL AFTER call_id,
  ADD UNIQUE KEY uq_callback_requests_channel (channel_uniqueid, reason);
