-- 执业通 initial schema. Names follow ../shared/glossary.md.

create table users (
  id uuid primary key default gen_random_uuid(),
  phone text not null unique,
  roles text[] not null default '{applicant}',
  wechat_openid text unique,
  created_at timestamptz not null default now()
);

-- Real-name record. The ID number is stored only encrypted (AES-256-GCM) plus a keyed hash for lookup.
create table identities (
  user_id uuid primary key references users(id),
  name text not null,
  id_number_enc bytea not null,
  id_number_hash bytea not null unique,
  gender text not null check (gender in ('male', 'female')),
  birth_date date not null,
  verified_at timestamptz,
  verification_method text check (verification_method in ('liveness', 'in_person')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table consents (
  id bigserial primary key,
  user_id uuid not null references users(id),
  kind text not null check (kind in ('privacy', 'face')),
  version text not null,
  agreed_at timestamptz not null default now()
);
create index consents_user on consents (user_id, kind, agreed_at desc);

create table enterprises (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  uscc text not null unique,
  created_at timestamptz not null default now()
);

create table enterprise_operators (
  enterprise_id uuid not null references enterprises(id),
  user_id uuid not null references users(id) unique,
  primary key (enterprise_id, user_id)
);

-- SMS one-time codes: only a keyed hash is stored; bound to a purpose and an object.
create table otp_codes (
  id uuid primary key default gen_random_uuid(),
  phone text not null,
  purpose text not null check (purpose in ('login', 'applicant_signature', 'employer_signature')),
  object_id text not null default '',
  code_hash bytea not null,
  attempts int not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  consumed_at timestamptz
);
create index otp_codes_lookup on otp_codes (phone, purpose, object_id, created_at desc);
create index otp_codes_daily on otp_codes (phone, created_at);

-- Refresh tokens (hashed), rotated on every use; reuse of a rotated token revokes its family.
create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id),
  family_id uuid not null,
  token_hash bytea not null unique,
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index refresh_tokens_family on refresh_tokens (family_id);

create table counters (
  name text primary key,
  value bigint not null
);

create table applications (
  id uuid primary key default gen_random_uuid(),
  applicant_id uuid not null references users(id),
  profession text not null,
  type text not null,
  status text not null,
  acceptance_no text unique,
  form jsonb,
  employer_id uuid references enterprises(id),
  version int not null default 0,
  return_reason text,
  form_pdf bytea,
  form_pdf_name text,
  applicant_signed_at timestamptz,
  employer_signed_at timestamptz,
  employer_signer_id uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One application in progress per person (seed 000: a type is disabled while another is in progress).
create unique index applications_one_in_progress on applications (applicant_id)
  where status not in ('approved', 'not_accepted', 'rejected');
create index applications_employer on applications (employer_id, status);
create index applications_status on applications (status);

create table application_events (
  id bigserial primary key,
  application_id uuid not null references applications(id),
  event text not null,
  actor_id uuid references users(id),
  actor_role text not null,
  stage text,
  note text,
  at timestamptz not null default now()
);
create index application_events_app on application_events (application_id, id);

create table certificates (
  id uuid primary key default gen_random_uuid(),
  registration_no text not null unique,
  application_id uuid not null unique references applications(id),
  holder_id uuid not null references users(id),
  profession text not null,
  holder_name text not null,
  gender text not null,
  employer_id uuid references enterprises(id),
  employer_name text not null,
  specialties jsonb not null,
  issue_date date not null,
  authority_name text not null,
  status text not null default 'active' check (status in ('active', 'revoked')),
  revoked_at timestamptz,
  claimed_at timestamptz,
  pdf bytea,
  created_at timestamptz not null default now()
);
create index certificates_holder on certificates (holder_id);

-- Transactional outbox: written in the same transaction as the change it announces.
create table outbox (
  id bigserial primary key,
  channel text not null check (channel in ('sms', 'wechat_subscribe')),
  payload jsonb not null,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  sent_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz not null default now()
);
create index outbox_pending on outbox (next_attempt_at) where sent_at is null and failed_at is null;

-- Append-only audit log of sensitive actions.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id uuid,
  actor_role text,
  action text not null,
  object_type text,
  object_id text,
  ip text,
  details jsonb not null default '{}'
);
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
