-- Issue 11: public notice (公示) with objections (异议), the acceptance notice (行政审批受理通知书), reasons
-- for refusals and failed reviews, and the authority's qualification data (资格证书).

-- One public notice per approved application whose matter the province announces (province settings
-- publicNotice.matters). What the public page shows is copied here when the notice starts (name, employer,
-- profession, specialties: never an ID number). status: open (running), issued (closed with the certificate
-- issued), refused (an upheld objection ended the application).
create table public_notices (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null unique references applications (id),
  acceptance_no text not null,
  holder_name text not null,
  employer_name text not null,
  profession text not null,
  matter text not null,
  specialties jsonb not null,
  starts_on date not null,
  ends_on date not null,
  working_days integer not null,
  status text not null default 'open' check (status in ('open', 'issued', 'refused')),
  created_at timestamptz not null default now(),
  closed_at timestamptz
);
create index public_notices_open on public_notices (ends_on) where status = 'open';

-- Objections lodged through the public page. The objector's contact is optional and kept encrypted.
create table notice_objections (
  id uuid primary key default gen_random_uuid(),
  notice_id uuid not null references public_notices (id),
  text text not null,
  contact_enc bytea,
  status text not null default 'open' check (status in ('open', 'upheld', 'dismissed')),
  resolution text,
  resolved_by uuid references users (id),
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index notice_objections_notice on notice_objections (notice_id, status);

-- The acceptance notice, signed by the authority when the application is accepted (one per acceptance:
-- an application corrected and filed again gets a new one, the earlier kept).
create table acceptance_notices (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null references applications (id),
  acceptance_no text not null,
  accepted_on date not null,
  pdf bytea not null,
  file_name text not null,
  created_at timestamptz not null default now()
);
create index acceptance_notices_application on acceptance_notices (application_id, created_at desc);

-- The reason chosen from the list (shared REFUSAL_REASONS) for a refusal, a failed review or a return for correction.
alter table application_events add column reason_code text;

-- The authority's qualification holders (资格证书), one row per person, profession and specialty.
create table qualifications (
  id uuid primary key default gen_random_uuid(),
  profession text not null,
  specialty text not null,
  holder_name text not null,
  id_number_enc bytea not null,
  id_number_hash bytea not null,
  certificate_no text not null,
  issued_on date not null,
  obtained_in text not null,
  created_at timestamptz not null default now(),
  unique (id_number_hash, profession, specialty)
);
create unique index qualifications_certificate_no on qualifications (profession, certificate_no, specialty);
