-- The callbacks made in a period (KpiStore.callbacks: done requests by when they were handled), read
-- for the board's "today" and the reports; without this index each read scanned every request.
ALTER TABLE callback_requests
  ADD KEY ix_callback_requests_handled (status, handled_at);
