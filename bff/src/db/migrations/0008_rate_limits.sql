-- Issue 14 (more than one BFF process): the rate-limit counters live in PostgreSQL, shared by every process
-- on this database (rate-limiter-flexible's PostgreSQL store, bff/src/http/middleware.ts rateLimit).
-- The table is the store's own layout: key = limiter prefix + counted key (client IP, user id), points
-- consumed in the current fixed window, expire = the window's end in Unix milliseconds.
-- UNLOGGED: counters are worth no WAL write and no fsync per request; after a crash of PostgreSQL itself
-- the table comes back empty (every window restarts), which a rate limit can afford.
create unlogged table rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
create index rate_limits_expire on rate_limits (expire);
