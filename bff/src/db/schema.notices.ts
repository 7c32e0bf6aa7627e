/** Kysely table types of 0013_notices_qualifications.sql (issue 11: public notice, acceptance notice, qualification data). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DateColumn = ColumnType<string, string, string>;

export interface PublicNoticesTable {
  id: Generated<string>;
  application_id: string;
  acceptance_no: string;
  holder_name: string;
  employer_name: string;
  profession: string;
  matter: string;
  /** Specialty codes shown on the public page. */
  specialties: ColumnType<string[], string, string>;
  starts_on: DateColumn;
  ends_on: DateColumn;
  working_days: number;
  status: ColumnType<'open' | 'issued' | 'refused', 'open' | 'issued' | 'refused' | undefined, 'open' | 'issued' | 'refused'>;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
}

export interface NoticeObjectionsTable {
  id: Generated<string>;
  notice_id: string;
  text: string;
  contact_enc: Buffer | null;
  status: ColumnType<'open' | 'upheld' | 'dismissed', 'open' | 'upheld' | 'dismissed' | undefined, 'open' | 'upheld' | 'dismissed'>;
  resolution: string | null;
  resolved_by: string | null;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface AcceptanceNoticesTable {
  id: Generated<string>;
  application_id: string;
  acceptance_no: string;
  accepted_on: DateColumn;
  pdf: Buffer;
  file_name: string;
  created_at: Timestamp;
}

export interface QualificationsTable {
  id: Generated<string>;
  profession: string;
  specialty: string;
  holder_name: string;
  id_number_enc: Buffer;
  id_number_hash: Buffer;
  certificate_no: string;
  issued_on: DateColumn;
  obtained_in: string;
  created_at: Timestamp;
}

export interface NoticeTables {
  public_notices: PublicNoticesTable;
  notice_objections: NoticeObjectionsTable;
  acceptance_notices: AcceptanceNoticesTable;
  qualifications: QualificationsTable;
}
