-- Issue 15 (hardening): outbox payloads leave the database's plain text.
-- payload keeps only what is not secret (channel details such as the SMS template name); the message itself
-- (phone, parameters such as a one-time code, WeChat data) is in payload_enc, AES-256-GCM under
-- OUTBOX_ENCRYPTION_KEY, which lives outside the database. payload_enc is erased once the message is sent,
-- has failed for good or has expired; delivered rows are deleted after OUTBOX_RETENTION_HOURS.
alter table outbox add column payload_enc bytea;
alter table outbox add column expires_at timestamptz;

-- rows written before this migration: those already delivered or failed lose their message now; pending
-- ones are still delivered from the plain payload and erased after (the key is not in the database).
update outbox
   set payload = case when channel = 'sms' then jsonb_build_object('template', payload #>> '{message,template}') else '{}'::jsonb end
 where sent_at is not null or failed_at is not null;

create index outbox_done on outbox (coalesce(sent_at, failed_at)) where sent_at is not null or failed_at is not null;
