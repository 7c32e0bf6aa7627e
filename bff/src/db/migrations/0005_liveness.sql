-- Liveness (issue 13, issue 15 items 6-7): the server-dictated schedule of a session, and sessions whose check
-- was interrupted (the process died after the upload was claimed, before a verdict), which do not count
-- against the person's attempts.

-- The prompts the phone must show, in order, each at `atMs` after the recording starts: [{action, atMs}].
alter table liveness_sessions add column schedule jsonb;
-- How long the recording must last (ms); the clip's length is checked against it.
alter table liveness_sessions add column duration_ms integer;
-- Set when a submitted session got no verdict (crash, restart) and was released: not counted as an attempt.
alter table liveness_sessions add column interrupted_at timestamptz;
