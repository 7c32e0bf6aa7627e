-- Issue 16: reminders. One row per reminder sent: the key (kind, subject, threshold, recipient) makes a
-- reminder go once per event and threshold, however many BFF processes scan at the same time — the scan
-- inserts the row with `on conflict do nothing` and queues the outbox message in the same transaction only
-- when its row went in (bff/src/domain/reminders.ts).
--   kind: shared REMINDER_KINDS; subject_id: what the reminder is about, with the start of the event, e.g.
--   '<registration id>/<specialty>/<valid until>' or '<application id>@<since, ms>' (a re-signed or
--   renewed object is a new event); threshold: days before/after; recipient_id: the user reminded.
create table reminders_sent (
  kind text not null,
  subject_id text not null,
  threshold integer not null,
  recipient_id uuid not null references users (id) on delete cascade,
  sent_at timestamptz not null default now(),
  primary key (kind, subject_id, threshold, recipient_id)
);
create index reminders_sent_recipient on reminders_sent (recipient_id, sent_at desc);

-- A person's choice for an optional reminder kind; no row = enabled.
create table reminder_settings (
  user_id uuid not null references users (id) on delete cascade,
  kind text not null,
  enabled boolean not null,
  updated_at timestamptz not null default now(),
  primary key (user_id, kind)
);

-- the scan's and the to-do list's lookups: specialties by end date, unclaimed certificates
create index registration_specialties_valid_until on registration_specialties (valid_until) where status = 'registered';
create index certificates_unclaimed on certificates (issue_date) where status = 'active' and claimed_at is null;
