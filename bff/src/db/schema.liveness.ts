/** Kysely types for 0002_real_name_verification.sql. */
import type { ColumnType, Generated } from 'kysely';

export type DocumentKind = 'id_front' | 'id_back' | 'holding_id';

export interface IdentityDocumentsTable {
  user_id: string;
  kind: DocumentKind;
  content_enc: Buffer;
  content_type: string;
  uploaded_at: ColumnType<Date, Date | undefined, Date>;
}

export interface LivenessSessionsTable {
  id: Generated<string>;
  user_id: string;
  actions: string[];
  nonce: string;
  created_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: ColumnType<Date, Date, Date>;
  submitted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  passed: boolean | null;
  reasons: ColumnType<unknown, string | undefined, string>;
  scores: ColumnType<unknown, string | undefined, string>;
}
