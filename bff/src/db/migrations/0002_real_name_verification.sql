-- Real-name verification (seed 003 §2.1, §2.3): ID card photos and camera liveness sessions.

-- ID card front/back photos and the photo holding the ID card, encrypted (AES-256-GCM) like ID numbers.
create table identity_documents (
  user_id uuid not null references users(id),
  kind text not null check (kind in ('id_front', 'id_back', 'holding_id')),
  content_enc bytea not null,
  content_type text not null,
  uploaded_at timestamptz not null default now(),
  primary key (user_id, kind)
);

-- One liveness check: the actions asked for, in order, and what the check found. The video itself is never
-- stored: only the verdict, the scores, the reason codes and the time (PIPL art. 28-29, GB/T 41819-2022).
create table liveness_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id),
  actions text[] not null,
  nonce text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  submitted_at timestamptz,
  passed boolean,
  reasons jsonb,
  scores jsonb
);
create index liveness_sessions_user on liveness_sessions (user_id, submitted_at);
