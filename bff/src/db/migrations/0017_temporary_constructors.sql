-- Temporary constructors (临时建造师, seed 003 §3.2.3.8-11; issue 10).
-- A registration's 注册类型 (003 §3.2.4.2 建造师历史数据: 二级注册建造师 or 二级注册临时建造师): a temporary one takes
-- only the temporary constructor's matters (transfer, extension, cancellation: shared/src/matters.ts).
alter table registrations add column temporary boolean not null default false;

-- A temporary constructor's transfer (二级临时建造师变更, 003 §3.2.3.8-9) is filed by the new employer (employer_id)
-- and released by the old one (转出单位: the registration's employer when it was filed), who agrees with its own
-- signature (status awaiting_release → the authority) or refuses with a reason (refused, refusal_reason).
alter table applications add column releasing_employer_id uuid references enterprises(id);
alter table applications add column release_signed_at timestamptz;
alter table applications add column release_signer_id uuid references users(id);
create index applications_releasing_employer on applications (releasing_employer_id, status) where releasing_employer_id is not null;
