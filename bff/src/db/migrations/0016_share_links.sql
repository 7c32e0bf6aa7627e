-- Shared certificate links (issue 12): the holder shares a certificate as a link valid for a chosen time, sees
-- the links and revokes them. The token is kept only as a keyed hash (lookup) and sealed (AES-256-GCM, so the
-- holder can copy the link again); a link shows its registration's current certificate version.
create table certificate_share_links (
  id uuid primary key default gen_random_uuid(),
  holder_id uuid not null references users(id),
  certificate_id uuid not null references certificates(id),
  registration_id uuid references registrations(id),
  token_hash bytea not null unique,
  token_enc bytea not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  open_count integer not null default 0,
  last_opened_at timestamptz
);
create index certificate_share_links_holder on certificate_share_links (holder_id, certificate_id, created_at desc);
