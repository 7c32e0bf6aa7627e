-- Issue 12: a claims token in the QR names its certificate by registration number and version.
create index if not exists certificates_registration_no_version on certificates (registration_no, version);
