-- Employer name change (聘用企业名称变更, seed 000 §6): one batch per confirmed rename of an enterprise, and
-- one step per registration it renamed. The batch row is committed with the request (and the enterprise's
-- new name) before any registration changes; each step is one transaction (register row, registration
-- event, certificate version, SMS, this row), so a re-run after a crash skips the registrations whose step
-- exists and finishes the SAME batch (bff/src/domain/employer-rename.ts).

create table employer_rename_batches (
  id uuid primary key default gen_random_uuid(),
  enterprise_id uuid not null references enterprises(id),
  -- 受理编号 (000 figure 61), from the same daily counter as the applications' W + date + sequence
  acceptance_no text not null unique,
  old_name text not null,
  new_name text not null,
  status text not null check (status in ('running', 'completed')),
  -- when the business registry confirmed new_name for the enterprise's USCC
  registry_checked_at timestamptz not null,
  requested_by uuid references users(id),
  requested_at timestamptz not null default now(),
  completed_at timestamptz
);
-- never two batches of one enterprise at once: a retry finds the running one
create unique index employer_rename_batches_one_running on employer_rename_batches (enterprise_id) where status = 'running';
create index employer_rename_batches_enterprise on employer_rename_batches (enterprise_id, requested_at desc);

create table employer_rename_steps (
  batch_id uuid not null references employer_rename_batches(id),
  registration_id uuid not null references registrations(id),
  -- the certificate version the rename issued (null: the registration has no electronic certificate)
  certificate_id uuid references certificates(id),
  -- whether the holder's SMS was queued (in the same transaction, through the outbox)
  notified boolean not null,
  done_at timestamptz not null default now(),
  primary key (batch_id, registration_id)
);
