-- Issue 14: every process keeps the few columns a QR scan shows of recently scanned certificates
-- (bff/src/domain/certificate-cache.ts). A change to a certificate row, from any process or by hand in psql,
-- tells every listening process which row to forget: NOTIFY certificate_changed with the row's two keys, its id
-- (legacy QR tokens name it) and `<registration_no>#<version>` (claims tokens name these). PostgreSQL
-- delivers a notification only when the transaction that sent it commits, and in commit order.
create or replace function notify_certificate_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('certificate_changed', old.id::text || ' ' || old.registration_no || '#' || old.version);
  return null;
end $$;

create trigger certificates_changed
  after update or delete on certificates
  for each row execute function notify_certificate_changed();
