-- A one-click callback's own call is linked to the callback request it answers (the request id
-- Firstline's Originate put in FIRSTLINE_CALLBACK_ID; the server links it only when that request
-- exists, so no foreign key is needed, and none makes calls and callback_requests refer in a circle).
ALTER TABLE calls
  ADD COLUMN callback_id BIGINT NULL AFTER caller_id,
  ADD KEY ix_calls_callback (callback_id);
