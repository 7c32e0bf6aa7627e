-- Issue 9: cost engineers (001) and architects (002).
-- Application documents: every kind of shared/src/documents.ts DOCUMENT_KINDS (the check lives in code, with
-- the kinds' rules), and the size of each file, for the per-application limit.
alter table application_documents drop constraint if exists application_documents_kind_check;
alter table application_documents add column byte_size integer;

-- The signature image a cost engineer's certificate prints (001 §4: 个人签名, 签名日期), kept with the
-- registration like its photo: encrypted, with the date it became the registration's.
alter table registrations add column signature_enc bytea;
alter table registrations add column signature_type text;
alter table registrations add column signature_date date;
