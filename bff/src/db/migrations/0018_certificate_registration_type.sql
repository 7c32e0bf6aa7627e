-- Issue 10: a temporary constructor's certificate (注册类型 二级注册临时建造师, seed 003 §3.2.4.2, 0017) says so when
-- verified. The fast verify path reads the certificate row alone (certificates.ts VERIFY_SQL, certificate-cache.ts),
-- so the certificate carries the registration's type from its issue on, as it prints it; earlier versions take it
-- from their registration.
alter table certificates add column temporary boolean not null default false;
update certificates c set temporary = true from registrations r where r.id = c.registration_id and r.temporary;
