-- Enterprise identity and operators (issue 10; seed 003 §3.2.2): an enterprise is bound by its legal
-- representative (法定代表人) after a business-registry check; the legal representative invites operators
-- (经办人) by mobile number and removes them; one person may act for several enterprises.

-- enterprise_operators becomes a membership table: one row per (enterprise, person), the primary key kept.
-- A row with removed_at set is not a membership; re-inviting re-activates the row.
alter table enterprise_operators drop constraint if exists enterprise_operators_user_id_key;
alter table enterprise_operators
  add column role text not null default 'operator' check (role in ('legal_representative', 'operator')),
  add column invited_at timestamptz not null default now(),
  add column invited_by uuid references users(id),
  add column removed_at timestamptz,
  add column removed_by uuid references users(id);
create index enterprise_operators_active_user on enterprise_operators (user_id) where removed_at is null;
-- at most one legal representative of an enterprise at a time
create unique index enterprise_operators_one_legal_representative on enterprise_operators (enterprise_id)
  where role = 'legal_representative' and removed_at is null;

-- What the business registry said when the enterprise was bound, and the basic information (003 §3.2.2.1,
-- shared/src/enterprise.ts enterpriseProfileSchema) its legal representative keeps.
alter table enterprises
  add column legal_representative_name text,
  add column registry_status text check (registry_status in ('active', 'suspended', 'revoked', 'deregistered')),
  add column registry_checked_at timestamptz,
  add column bound_at timestamptz,
  add column profile jsonb not null default '{}',
  add column profile_updated_at timestamptz,
  add column profile_updated_by uuid references users(id);

-- Operator actions are found under the enterprise as well as under the person (actor_id).
alter table audit_log add column enterprise_id uuid;
create index audit_log_enterprise on audit_log (enterprise_id, at) where enterprise_id is not null;
create index if not exists audit_log_actor on audit_log (actor_id, at);
