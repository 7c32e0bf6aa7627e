-- Issue 11, jurisdictions and staff: the registration authorities form a tree (the province's department at
-- the root, its cities below: Hunan's 申报主管部门 is a city, seed 003), an enterprise belongs to the
-- authority of its city (null = the province root), and an application goes to its employer's authority
-- when the employer confirms it. Staff belong to one authority, hold roles per review stage, and the
-- administrators of an authority invite them. Every review decision is kept with the time its stage began,
-- for the four-eyes rule, the queue's waiting times and the statistics (bff/src/domain/authorities.ts).

create table authorities (
  id uuid primary key default gen_random_uuid(),
  parent_id uuid references authorities(id),
  name text not null,
  -- the administrative division code (GB/T 2260, e.g. 430000 Hunan, 430100 长沙市)
  region_code text not null unique,
  created_at timestamptz not null default now()
);
-- one province per deployment: exactly one root
create unique index authorities_one_root on authorities ((true)) where parent_id is null;
create index authorities_parent on authorities (parent_id);

alter table enterprises add column authority_id uuid references authorities(id);
alter table applications add column authority_id uuid references authorities(id);
-- when the application entered its current stage (the employer's confirmation, then each decision): the
-- queue's waiting time and overdue mark; null for rows before 0012 (updated_at stands in)
alter table applications add column stage_entered_at timestamptz;
create index applications_authority_status on applications (authority_id, status);

create table authority_staff (
  user_id uuid primary key references users(id),
  authority_id uuid not null references authorities(id),
  -- accept (受理), review (初审, 复审), approve (审批): shared/src/authorities.ts STAGE_ROLES
  stage_roles text[] not null default '{}' check (stage_roles <@ array['accept', 'review', 'approve']::text[]),
  -- an administrator invites and manages the staff of their authority (and, at the province, of its cities)
  is_admin boolean not null default false,
  invited_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index authority_staff_authority on authority_staff (authority_id);

create table review_decisions (
  id bigserial primary key,
  application_id uuid not null references applications(id),
  -- the application's authority at the time of the decision (null = the province root)
  authority_id uuid references authorities(id),
  matter text not null,
  stage text not null,
  outcome text not null check (outcome in ('pass', 'fail')),
  decided_by uuid not null references users(id),
  -- the stage's start and the decision, on the server's clock: the time a stage took is their difference
  entered_at timestamptz not null,
  decided_at timestamptz not null,
  batch_id uuid
);
create index review_decisions_application on review_decisions (application_id);
create index review_decisions_decided_at on review_decisions (decided_at);
