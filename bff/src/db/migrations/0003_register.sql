-- The register (注册信息库, ../shared/catalogue.md): for every person and profession the current registration,
-- its specialties and the history of every change; certificates become versions of a registration.

create table registrations (
  id uuid primary key default gen_random_uuid(),
  profession text not null,
  registration_no text not null unique,
  -- null for a registration loaded from the paper register until its holder signs up with that ID number
  holder_id uuid references users(id),
  holder_id_number_enc bytea not null,
  holder_id_number_hash bytea not null,
  holder_name text not null,
  gender text not null check (gender in ('male', 'female')),
  employer_id uuid references enterprises(id),
  employer_name text not null,
  status text not null check (status in ('registered', 'cancelled')),
  last_employer_change_on date,
  has_electronic_certificate boolean not null default true,
  source text not null default 'application' check (source in ('application', 'import')),
  -- the photo printed on the certificate (000 §3.1.1 step 4), AES-256-GCM like the ID photos
  photo_enc bytea,
  photo_type text,
  version int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (holder_id_number_hash, profession)
);
create index registrations_holder on registrations (holder_id);
create index registrations_employer on registrations (employer_id);

create table registration_specialties (
  registration_id uuid not null references registrations(id),
  specialty text not null,
  registered_on date not null,
  valid_until date not null,
  status text not null check (status in ('registered', 'cancelled')),
  position int not null default 0,
  primary key (registration_id, specialty)
);

-- Which matter changed the register, when, from what to what (RegisterState JSON; never an ID number).
create table registration_events (
  id bigserial primary key,
  registration_id uuid not null references registrations(id),
  matter text not null,
  application_id uuid references applications(id),
  batch_id uuid,
  before jsonb,
  after jsonb not null,
  at timestamptz not null default now()
);
create index registration_events_registration on registration_events (registration_id, id);

-- Files uploaded with an application: the photo printed on the certificate, the evidence of a change.
create table application_documents (
  application_id uuid not null references applications(id),
  kind text not null check (kind in ('photo', 'evidence')),
  content_enc bytea not null,
  content_type text not null,
  uploaded_at timestamptz not null default now(),
  primary key (application_id, kind)
);

alter table applications add column registration_id uuid references registrations(id);

-- One matter in progress per person and profession (catalogue: "rules that hold across matters").
drop index applications_one_in_progress;
create unique index applications_one_in_progress on applications (applicant_id, profession)
  where status not in ('approved', 'completed', 'not_accepted', 'rejected');

-- Certificates become versions of a registration.
alter table certificates add column registration_id uuid references registrations(id);
alter table certificates add column version int;
alter table certificates add column matter text;
alter table certificates add column superseded_at timestamptz;
alter table certificates alter column application_id drop not null;
alter table certificates drop constraint certificates_registration_no_key;
alter table certificates drop constraint certificates_status_check;
alter table certificates add constraint certificates_status_check check (status in ('active', 'superseded', 'void', 'revoked'));

-- Existing data: every certificate issued so far becomes a version of its holder's registration in its
-- profession (oldest first); the newest one's content is the register.
with ranked as (
  select c.*, row_number() over (partition by c.holder_id, c.profession order by c.created_at, c.id) as v,
         count(*) over (partition by c.holder_id, c.profession) as n
  from certificates c
)
insert into registrations (profession, registration_no, holder_id, holder_id_number_enc, holder_id_number_hash, holder_name, gender,
                           employer_id, employer_name, status, created_at, updated_at)
select r.profession, r.registration_no, r.holder_id, i.id_number_enc, i.id_number_hash, r.holder_name, r.gender,
       r.employer_id, r.employer_name, 'registered', r.created_at, r.created_at
from ranked r join identities i on i.user_id = r.holder_id
where r.v = r.n;

with ranked as (
  select c.id, c.holder_id, c.profession, row_number() over (partition by c.holder_id, c.profession order by c.created_at, c.id) as v,
         count(*) over (partition by c.holder_id, c.profession) as n
  from certificates c
)
update certificates c
set registration_id = reg.id, version = ranked.v, matter = 'initial',
    status = case when ranked.v < ranked.n and c.status = 'active' then 'superseded' else c.status end,
    superseded_at = case when ranked.v < ranked.n and c.status = 'active' then now() else null end
from ranked, registrations reg
where ranked.id = c.id and reg.holder_id = c.holder_id and reg.profession = c.profession;

insert into registration_specialties (registration_id, specialty, registered_on, valid_until, status, position)
select c.registration_id, s.value->>'specialty', c.issue_date, (s.value->>'validUntil')::date, 'registered', s.ordinality::int
from certificates c
join registrations reg on reg.id = c.registration_id and reg.registration_no = c.registration_no
cross join lateral jsonb_array_elements(c.specialties) with ordinality as s(value, ordinality);

insert into registration_events (registration_id, matter, application_id, before, after, at)
select c.registration_id, 'initial', c.application_id, null,
       jsonb_build_object('migratedFrom', 'certificate', 'registrationNo', c.registration_no, 'specialties', c.specialties), c.created_at
from certificates c
order by c.created_at;

alter table certificates alter column registration_id set not null;
alter table certificates alter column version set not null;
create unique index certificates_registration_version on certificates (registration_id, version);
create index certificates_registration on certificates (registration_id);
