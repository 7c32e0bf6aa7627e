-- Issue 14: liveness analyses as pg-boss jobs (LIVENESS_ANALYSIS=queue; bff/src/liveness/jobs.ts). The API process
-- that received an upload stores the video here, encrypted (AES-256-GCM, the PII key), for a worker process on
-- any machine; the job (pgboss schema, queue liveness.analyse) carries only ids and the schedule's windows, never
-- the video (pg-boss keeps its jobs for days). The worker drops the video as soon as its analysis ends and leaves
-- the verdict in `result` for the waiting API process, which then deletes the row; rows left behind (both
-- processes died) are swept after CHECK_STALE_MS. Face video is never kept past its check.
create table liveness_videos (
  session_id uuid primary key references liveness_sessions (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  -- the upload as received (or remuxed to Matroska), encrypted; null once the analysis has ended
  video_enc bytea,
  -- the file name the analysis writes it to ('video.mkv', 'video.mp4' …: ffmpeg probes the content anyway)
  file_name text not null,
  -- its pg-boss job (pgboss.job.id), and the worker analysing it now: <host tag>-<pid> (a worker starting on that
  -- host fails the job of a holder that no longer runs, so it is retried at once rather than after its expiry)
  job_id uuid not null,
  held_by text,
  created_at timestamptz not null default now(),
  -- the verdict (LivenessVerdict JSON) the worker reached, for the API process waiting on it
  result jsonb,
  finished_at timestamptz
);
create index liveness_videos_created_at on liveness_videos (created_at);
