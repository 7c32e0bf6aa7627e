/** Kysely table types for the schema in migrations/. Column names are snake_case as in SQL. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { IdentityDocumentsTable, LivenessSessionsTable, LivenessVideosTable } from './schema.liveness.js';
import type { NoticeTables } from './schema.notices.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | T, string | T>;

export interface UsersTable {
  id: Generated<string>;
  phone: string;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  wechat_openid: string | null;
  created_at: Timestamp;
}

export interface IdentitiesTable {
  user_id: string;
  name: string;
  id_number_enc: Buffer;
  id_number_hash: Buffer;
  gender: 'male' | 'female';
  birth_date: ColumnType<string, string, string>;
  verified_at: NullableTimestamp;
  verification_method: 'liveness' | 'in_person' | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConsentsTable {
  id: Generated<string>;
  user_id: string;
  kind: 'privacy' | 'face';
  version: string;
  agreed_at: Timestamp;
}

export interface EnterprisesTable {
  id: Generated<string>;
  name: string;
  uscc: string;
  /** The authority of the enterprise's city (0012); null = the province root. */
  authority_id: string | null;
  created_at: Timestamp;
  /** 法定代表人 as the business registry named them at binding (0010). */
  legal_representative_name: string | null;
  registry_status: 'active' | 'suspended' | 'revoked' | 'deregistered' | null;
  registry_checked_at: NullableTimestamp;
  /** When the legal representative bound the enterprise (0010); null = seed/imported, not bound yet. */
  bound_at: NullableTimestamp;
  /** Basic information (003 §3.2.2.1), shared/src/enterprise.ts EnterpriseProfile (0010). */
  profile: ColumnType<Record<string, unknown>, string | undefined, string>;
  profile_updated_at: NullableTimestamp;
  profile_updated_by: string | null;
}

/** Membership of a person in an enterprise (0010): active while removed_at is null. */
export interface EnterpriseOperatorsTable {
  enterprise_id: string;
  user_id: string;
  role: ColumnType<'legal_representative' | 'operator', 'legal_representative' | 'operator' | undefined, 'legal_representative' | 'operator'>;
  invited_at: Timestamp;
  invited_by: string | null;
  removed_at: NullableTimestamp;
  removed_by: string | null;
}

export type OtpPurpose = 'login' | 'applicant_signature' | 'employer_signature';

export interface OtpCodesTable {
  id: Generated<string>;
  phone: string;
  purpose: OtpPurpose;
  object_id: ColumnType<string, string | undefined, string>;
  code_hash: Buffer;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: Buffer;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface CountersTable {
  name: string;
  value: ColumnType<string, number, number>;
}

export interface ApplicationsTable {
  id: Generated<string>;
  applicant_id: string;
  profession: string;
  type: string;
  status: string;
  acceptance_no: string | null;
  form: Json<unknown> | null;
  employer_id: string | null;
  version: ColumnType<number, number | undefined, number>;
  return_reason: string | null;
  form_pdf: Buffer | null;
  form_pdf_name: string | null;
  applicant_signed_at: NullableTimestamp;
  employer_signed_at: NullableTimestamp;
  employer_signer_id: string | null;
  /** The registration the matter acts on (null for an initial registration until it completes). */
  registration_id: string | null;
  /** Who started it (0011): the person, or their employer's operator (seed 003 §3.2.3). */
  filed_by: ColumnType<'applicant' | 'employer', 'applicant' | 'employer' | undefined, 'applicant' | 'employer'>;
  /** The operator who started an employer's filing (0011). */
  filer_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Why the other side refused it (0011, status refused). */
  refusal_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The authority the application went to on the employer's confirmation (0012); null = the province root. */
  authority_id: string | null;
  /** When it entered its current review stage (0012; null before: updated_at stands in). */
  stage_entered_at: NullableTimestamp;
  /** A temporary constructor's transfer (0017, 003 §3.2.3.9): the old employer that releases the person, when and who signed its release. */
  releasing_employer_id: ColumnType<string | null, string | null | undefined, string | null>;
  release_signed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  release_signer_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApplicationEventsTable {
  id: Generated<string>;
  application_id: string;
  event: string;
  actor_id: string | null;
  actor_role: string;
  stage: string | null;
  note: string | null;
  /** The reason chosen from shared REVIEW_REASONS (0013), for failures and returns. */
  reason_code: ColumnType<string | null, string | null | undefined, string | null>;
  at: Timestamp;
}

export type CertificateStatusColumn = 'active' | 'superseded' | 'void' | 'revoked';

export interface CertificatesTable {
  id: Generated<string>;
  registration_no: string;
  registration_id: string;
  /** 1, 2, … per registration; each completed matter that changes what the certificate shows issues the next. */
  version: number;
  /** The matter whose completion issued this version. */
  matter: string;
  application_id: string | null;
  holder_id: string;
  profession: string;
  holder_name: string;
  gender: 'male' | 'female';
  employer_id: string | null;
  employer_name: string;
  specialties: Json<{ specialty: string; validUntil: string }[]>;
  issue_date: ColumnType<string, string, string>;
  authority_name: string;
  /** The registration is a temporary constructor's (注册类型 二级注册临时建造师, 0018): verification says so. */
  temporary: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<CertificateStatusColumn, CertificateStatusColumn | undefined, CertificateStatusColumn>;
  revoked_at: NullableTimestamp;
  superseded_at: NullableTimestamp;
  claimed_at: NullableTimestamp;
  pdf: Buffer | null;
  created_at: Timestamp;
}

export interface RegistrationsTable {
  id: Generated<string>;
  profession: string;
  registration_no: string;
  holder_id: string | null;
  holder_id_number_enc: Buffer;
  holder_id_number_hash: Buffer;
  holder_name: string;
  gender: 'male' | 'female';
  employer_id: string | null;
  employer_name: string;
  status: 'registered' | 'cancelled';
  last_employer_change_on: ColumnType<string | null, string | null | undefined, string | null>;
  has_electronic_certificate: ColumnType<boolean, boolean | undefined, boolean>;
  /** 注册类型 二级注册临时建造师 (0017, 003 §3.2.3.10-11). */
  temporary: ColumnType<boolean, boolean | undefined, boolean>;
  source: ColumnType<'application' | 'import', 'application' | 'import' | undefined, 'application' | 'import'>;
  photo_enc: Buffer | null;
  photo_type: string | null;
  /** The signature image the certificate prints (0009; 001 §4), encrypted, and the date it was given. */
  signature_enc: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  signature_type: ColumnType<string | null, string | null | undefined, string | null>;
  signature_date: ColumnType<string | null, string | null | undefined, string | null>;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RegistrationSpecialtiesTable {
  registration_id: string;
  specialty: string;
  registered_on: ColumnType<string, string, string>;
  valid_until: ColumnType<string, string, string>;
  status: 'registered' | 'cancelled';
  position: ColumnType<number, number | undefined, number>;
}

export interface RegistrationEventsTable {
  id: Generated<string>;
  registration_id: string;
  matter: string;
  application_id: string | null;
  batch_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown>;
  at: Timestamp;
}

export interface ApplicationDocumentsTable {
  application_id: string;
  /** shared DOCUMENT_KINDS (0009: photo, signature, evidence, qualification_scan, ce_proof, …). */
  kind: string;
  content_enc: Buffer;
  content_type: string;
  uploaded_at: Timestamp;
  /** The file's size in bytes (0009; null for files uploaded before). */
  byte_size: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A link a holder shared to one of their certificates (0016, domain/share-links.ts). */
export interface CertificateShareLinksTable {
  id: Generated<string>;
  holder_id: string;
  certificate_id: string;
  registration_id: string | null;
  /** HMAC of the token (PiiCipher.lookupHash): the lookup. */
  token_hash: Buffer;
  /** The token, AES-256-GCM: the holder's list shows the link again. */
  token_enc: Buffer;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  open_count: ColumnType<number, number | undefined, number>;
  last_opened_at: NullableTimestamp;
}

/** A back-office decision applied through the relay callback, once per decision id (0015). */
export interface RelayCallbacksTable {
  decision_id: string;
  application_id: string;
  stage: string;
  outcome: 'pass' | 'fail';
  received_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<string>;
  channel: 'sms' | 'wechat_subscribe' | 'relay';
  payload: Json<Record<string, unknown>>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  sent_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  /** The message (OutboxPayload without channel), AES-256-GCM under OUTBOX_ENCRYPTION_KEY; null once sent, failed or expired (0004). */
  payload_enc: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** After this the message is not worth sending (a one-time code's expiry); null = no expiry (0004). */
  expires_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
  /** The enterprise an operator acted for (0010), so its actions are found under it as well as the person. */
  enterprise_id: string | null;
}

/** 聘用企业名称变更 batches (0006_employer_rename.sql). */
export interface EmployerRenameBatchesTable {
  id: Generated<string>;
  enterprise_id: string;
  acceptance_no: string;
  old_name: string;
  new_name: string;
  status: 'running' | 'completed';
  registry_checked_at: Timestamp;
  requested_by: string | null;
  requested_at: Timestamp;
  completed_at: NullableTimestamp;
}

/** One registration renamed by a batch: the idempotency key (batch_id, registration_id). */
export interface EmployerRenameStepsTable {
  batch_id: string;
  registration_id: string;
  certificate_id: string | null;
  notified: boolean;
  done_at: Timestamp;
}

/** One reminder sent (0014_reminders.sql): the key (kind, subject_id, threshold, recipient_id) sends it once. */
export interface RemindersSentTable {
  kind: string;
  subject_id: string;
  threshold: number;
  recipient_id: string;
  sent_at: Timestamp;
}

/** A person's choice for an optional reminder kind (0014); no row = enabled. */
export interface ReminderSettingsTable {
  user_id: string;
  kind: string;
  enabled: boolean;
  updated_at: Timestamp;
}

/** The registration authorities, province → city (0012_authorities.sql). */
export interface AuthoritiesTable {
  id: Generated<string>;
  parent_id: string | null;
  name: string;
  region_code: string;
  created_at: Timestamp;
}

/** A member of an authority's staff with their stage roles (0012). */
export interface AuthorityStaffTable {
  user_id: string;
  authority_id: string;
  stage_roles: ColumnType<string[], string[] | undefined, string[]>;
  is_admin: ColumnType<boolean, boolean | undefined, boolean>;
  invited_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Every review decision with its stage's start (0012): four-eyes, waiting times, statistics. */
export interface ReviewDecisionsTable {
  id: Generated<number>;
  application_id: string;
  authority_id: string | null;
  matter: string;
  stage: string;
  outcome: 'pass' | 'fail';
  decided_by: string;
  entered_at: Timestamp;
  decided_at: Timestamp;
  batch_id: string | null;
}

export interface Database extends NoticeTables {
  authorities: AuthoritiesTable;
  authority_staff: AuthorityStaffTable;
  review_decisions: ReviewDecisionsTable;
  users: UsersTable;
  identities: IdentitiesTable;
  consents: ConsentsTable;
  enterprises: EnterprisesTable;
  enterprise_operators: EnterpriseOperatorsTable;
  otp_codes: OtpCodesTable;
  refresh_tokens: RefreshTokensTable;
  counters: CountersTable;
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  certificates: CertificatesTable;
  registrations: RegistrationsTable;
  registration_specialties: RegistrationSpecialtiesTable;
  registration_events: RegistrationEventsTable;
  application_documents: ApplicationDocumentsTable;
  outbox: OutboxTable;
  relay_callbacks: RelayCallbacksTable;
  certificate_share_links: CertificateShareLinksTable;
  audit_log: AuditLogTable;
  identity_documents: IdentityDocumentsTable;
  liveness_sessions: LivenessSessionsTable;
  liveness_videos: LivenessVideosTable;
  employer_rename_batches: EmployerRenameBatchesTable;
  employer_rename_steps: EmployerRenameStepsTable;
  reminders_sent: RemindersSentTable;
  reminder_settings: ReminderSettingsTable;
}

export type ApplicationRow = Selectable<ApplicationsTable>;
export type CertificateRow = Selectable<CertificatesTable>;
export type RegistrationRow = Selectable<RegistrationsTable>;
export type IdentityRow = Selectable<IdentitiesTable>;
export type NewOutbox = Insertable<OutboxTable>;
