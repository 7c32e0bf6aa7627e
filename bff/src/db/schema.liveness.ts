/** Kysely types for 0002_real_name_verification.sql and 0005_liveness.sql. */
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
  /** 0005: the prompts the phone must show, [{action, atMs}] from the recording's start (null on older sessions) */
  schedule: ColumnType<{ action: string; atMs: number }[] | null, string | undefined, string>;
  /** 0005: the length the recording must have, ms */
  duration_ms: number | null;
  /** 0005: a submitted session released without a verdict (the check was interrupted); not an attempt */
  interrupted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** 0019: a video waiting for (or under) analysis by a worker process (LIVENESS_ANALYSIS=queue; liveness/jobs.ts). */
export interface LivenessVideosTable {
  session_id: string;
  user_id: string;
  /** the upload, AES-256-GCM under the PII key (PiiCipher.encryptBytes); null once the analysis ended */
  video_enc: Buffer | null;
  file_name: string;
  /** its pg-boss job */
  job_id: string;
  /** the worker analysing it: <host tag>-<pid> */
  held_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** the verdict (LivenessVerdict) the worker reached */
  result: ColumnType<unknown, string | undefined, string>;
  finished_at: ColumnType<Date | null, Date | undefined, Date>;
}
