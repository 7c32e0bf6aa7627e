-- Issue 10, filings by the employer (seed 003 §3.2.3) and batch confirmation.
-- Who started an application: the person (个人申报, every application before 0011) or their employer's
-- operator (企业申报). An employer's filing starts as employer_draft (saved, changed or deleted by the
-- enterprise until it is filed), then awaits the person's signature (awaiting_applicant), then the employer's
-- counter-signature as any application. The other side may refuse with a reason: status refused, terminal
-- (003 §3.2.3.7), the reason kept here and in the history (application_events 'refused', note).
alter table applications add column filed_by text not null default 'applicant' check (filed_by in ('applicant', 'employer'));
-- the operator who started an employer's filing (null for the person's own)
alter table applications add column filer_id uuid references users(id);
alter table applications add column refusal_reason text;
create index applications_employer_filings on applications (employer_id, filed_by, status);

-- a refused matter is finished: the person (or the enterprise) may start another
drop index applications_one_in_progress;
create unique index applications_one_in_progress on applications (applicant_id, profession)
  where status not in ('approved', 'completed', 'not_accepted', 'rejected', 'refused');

-- Batch confirmation needs no new OTP purpose: its code is an employer_signature code whose object is
-- 'batch:' + SHA-256 of the confirmed set (ids and the updatedAt each was shown at), so the 0001 CHECK stays
-- untouched (other migrations may rewrite that list) and the daily cap counts a batch as one code.
