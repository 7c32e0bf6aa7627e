/**
 * 人员注册信息查询 (seed 003 §3.2.4, issue 10): the acting enterprise's people as the register holds them — each
 * registration whose employer is the enterprise, its specialties, its newest certificate version and the
 * matters that changed it. Read-only; ID numbers masked (a list read, not audited, like the operator's application lists).
 */
import { maskIdNumber, type EnterpriseRegistrationView, type Profession, type Specialty } from '@zhiyetong/shared';
import type { Deps } from '../context.js';
import { certificateStatus } from './certificates.js';
import { shanghaiDate } from '../time.js';

/** At most this many registrations per answer (the enterprise's people, by name). */
export const ENTERPRISE_REGISTRATIONS_LIMIT = 500;

/**
 * The registrations at enterprise `enterpriseId` (registered and cancelled ones), ordered by holder name then
 * registration number, at most ENTERPRISE_REGISTRATIONS_LIMIT. Four queries whatever the count.
 */
export async function listEnterpriseRegistrations(deps: Pick<Deps, 'db' | 'pii' | 'now'>, enterpriseId: string): Promise<EnterpriseRegistrationView[]> {
  const rows = await deps.db
    .selectFrom('registrations')
    .select(['id', 'registration_no', 'profession', 'holder_name', 'holder_id_number_enc', 'status'])
    .where('employer_id', '=', enterpriseId)
    .orderBy('holder_name')
    .orderBy('registration_no')
    .limit(ENTERPRISE_REGISTRATIONS_LIMIT)
    .execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [specialties, certificates, events] = await Promise.all([
    deps.db.selectFrom('registration_specialties').select(['registration_id', 'specialty', 'valid_until', 'status']).where('registration_id', 'in', ids).orderBy('position').orderBy('specialty').execute(),
    deps.db
      .selectFrom('certificates')
      .distinctOn('registration_id')
      .select(['registration_id', 'version', 'status', 'specialties', 'issue_date', 'claimed_at'])
      .where('registration_id', 'in', ids)
      .orderBy('registration_id')
      .orderBy('version', 'desc')
      .execute(),
    deps.db.selectFrom('registration_events').select(['registration_id', 'matter', 'at']).where('registration_id', 'in', ids).orderBy('id').execute(),
  ]);
  const today = shanghaiDate(deps.now());
  return rows.map((r) => {
    const cert = certificates.find((c) => c.registration_id === r.id);
    return {
      registrationNo: r.registration_no,
      profession: r.profession as Profession,
      holderName: r.holder_name,
      idNumberMasked: maskIdNumber(deps.pii.decrypt(r.holder_id_number_enc)),
      status: r.status,
      specialties: specialties.filter((s) => s.registration_id === r.id).map((s) => ({ specialty: s.specialty as Specialty, validUntil: s.valid_until, status: s.status })),
      certificate: cert ? { version: cert.version, status: certificateStatus(cert, today), issueDate: cert.issue_date, claimed: !!cert.claimed_at } : null,
      history: events.filter((e) => e.registration_id === r.id).map((e) => ({ matter: e.matter, at: e.at.toISOString() })),
    };
  });
}
