/**
 * The to-do list (待办, issue 16): what waits for the caller in each of their roles, with a count for the home
 * tab's badge. One query per role, each filtering exactly as the policies let that role see objects
 * (bff/src/domain/policies.ts canViewApplication; a certificate is its holder's only):
 *  - applicant: their own applications to sign (a saved draft), to confirm (a filing their employer made for
 *    them, status awaiting_applicant 待个人确认, issue 10 / seed 003 §3.2.3) or to correct (returned), and their
 *    active certificate versions not yet claimed;
 *  - enterprise_operator: applications naming an enterprise they are an active member of (0010: not removed;
 *    one person may act for several, so each item names its enterpriseId, the X-Enterprise-Id to send) that
 *    wait for the employer's confirmation (awaiting_employer: the policy shows nothing before the applicant's
 *    signature; a matter the person does not sign — temporary constructors, 003 §3.2.3.8-11 — waits from its 上报,
 *    updated_at); and, as the old employer of a temporary constructor's transfer (003 §3.2.3.9 变更确认), the
 *    transfers its new employer signed that wait for its release (awaiting_release, kind release, enterpriseId =
 *    the old employer, since = the new employer's signature; as policies.ts loadReleaseFor shows them);
 *  - reviewer: applications the employer has signed that wait at a review stage the member of staff may
 *    decide (their stage roles, authorities.ts stagesOf), in their jurisdiction (the province sees all: as
 *    canViewApplication's reviewerCovers), and, with REVIEW_FOUR_EYES, not an approval of an application they
 *    reviewed; since = when it entered the stage. A reviewer with no place at an authority has none.
 * Items are oldest first, at most {@link MAX_PER_ROLE} per role; `count` counts them all.
 */
import {
  APPLICATION_STATUS_LABELS,
  PROFESSION_LABELS,
  REGISTRATION_TYPE_LABELS,
  REVIEW_STAGE_LABELS,
  matterLabel,
  type Profession,
  type RegistrationType,
  type ReviewStage,
  type TodoItem,
  type TodoKind,
  type TodoList,
} from '@zhiyetong/shared';
import { sql } from 'kysely';
import type { AuthUser, Deps } from '../context.js';
import { jurisdictionOf, stagesOf, staffOf } from './authorities.js';

export const MAX_PER_ROLE = 100;

interface Row {
  kind: TodoKind;
  application_id: string | null;
  certificate_id: string | null;
  acceptance_no: string | null;
  registration_no: string | null;
  profession: string;
  type: string | null;
  status: string | null;
  applicant_name: string | null;
  /** release: the new employer (转入企业) asking for the person. */
  other_name?: string | null;
  enterprise_id: string | null;
  since: Date;
  total: number;
}

const matter = (r: Row) => (r.type && REGISTRATION_TYPE_LABELS[r.type as RegistrationType] && PROFESSION_LABELS[r.profession as Profession] ? matterLabel(r.profession as Profession, r.type as RegistrationType) : `${PROFESSION_LABELS[r.profession as Profession] ?? r.profession}`);
const no = (r: Row) => (r.acceptance_no ? `（受理编号${r.acceptance_no}）` : '');

function title(r: Row): string {
  switch (r.kind) {
    case 'sign':
      return `签名提交${matter(r)}申请${no(r)}`;
    case 'correct':
      return `修改被退回的${matter(r)}申请${no(r)}`;
    case 'claim':
      return `领取${PROFESSION_LABELS[r.profession as Profession] ?? r.profession}电子注册证书（注册编号${r.registration_no}）`;
    case 'confirm':
      // the person confirms a filing their employer made for them; the operator confirms for the employer
      return r.status === 'awaiting_applicant' ? `确认聘用企业代为申报的${matter(r)}申请${no(r)}` : `企业确认：${r.applicant_name ?? ''}的${matter(r)}申请${no(r)}`;
    case 'release':
      return `原单位确认：${r.other_name ?? ''}申请转入${r.applicant_name ?? ''}（${matter(r)}${r.acceptance_no ? `，受理编号${r.acceptance_no}` : ''}），同意转出或不同意`;
    case 'review':
      return `${REVIEW_STAGE_LABELS[r.status as ReviewStage] ?? APPLICATION_STATUS_LABELS[r.status as keyof typeof APPLICATION_STATUS_LABELS]}：${r.applicant_name ?? ''}的${matter(r)}申请${no(r)}`;
  }
}

async function applicantRows(deps: Pick<Deps, 'db'>, userId: string): Promise<Row[]> {
  const { rows } = await sql<Row>`
    select t.*, count(*) over () as total from (
      select case a.status when 'returned' then 'correct' when 'awaiting_applicant' then 'confirm' else 'sign' end as kind, a.id as application_id, null::uuid as certificate_id,
             a.acceptance_no, null::text as registration_no, a.profession, a.type, a.status, null::text as applicant_name, null::uuid as enterprise_id, a.updated_at as since
        from applications a
       where a.applicant_id = ${userId} and (a.status in ('returned', 'awaiting_applicant') or (a.status = 'draft' and a.form is not null))
      union all
      select 'claim', null, c.id, null, c.registration_no, c.profession, null, null, null, null, c.created_at
        from certificates c
       where c.holder_id = ${userId} and c.status = 'active' and c.claimed_at is null
    ) t order by t.since, t.application_id, t.certificate_id limit ${MAX_PER_ROLE}`.execute(deps.db);
  return rows;
}

async function operatorRows(deps: Pick<Deps, 'db'>, userId: string): Promise<Row[]> {
  const { rows } = await sql<Row>`
    select t.*, count(*) over () as total from (
      select 'confirm' as kind, a.id as application_id, null::uuid as certificate_id, a.acceptance_no, null::text as registration_no,
             a.profession, a.type, a.status, i.name as applicant_name, null::text as other_name, a.employer_id as enterprise_id, coalesce(a.applicant_signed_at, a.updated_at) as since
        from applications a
        join enterprise_operators o on o.enterprise_id = a.employer_id and o.user_id = ${userId} and o.removed_at is null
        left join identities i on i.user_id = a.applicant_id
       where a.status = 'awaiting_employer'
      union all
      select 'release', a.id, null, a.acceptance_no, null, a.profession, a.type, a.status, i.name, e.name, a.releasing_employer_id, a.employer_signed_at
        from applications a
        join enterprise_operators o on o.enterprise_id = a.releasing_employer_id and o.user_id = ${userId} and o.removed_at is null
        join enterprises e on e.id = a.employer_id
        left join identities i on i.user_id = a.applicant_id
       where a.status = 'awaiting_release' and a.employer_signed_at is not null
    ) t order by t.since, t.application_id limit ${MAX_PER_ROLE}`.execute(deps.db);
  return rows;
}

async function reviewerRows(deps: Pick<Deps, 'db' | 'config'>, userId: string): Promise<Row[]> {
  const staff = await staffOf(deps.db, userId);
  const stages = staff ? stagesOf(staff.stage_roles) : [];
  if (!staff || !stages.length) return [];
  const j = await jurisdictionOf(deps.db, staff);
  const inJurisdiction = j.all ? sql`true` : sql`a.authority_id in (${sql.join(j.ids)})`;
  const fourEyes = deps.config.review.fourEyes
    ? sql`and not (a.status = 'approval' and exists (select 1 from review_decisions d where d.application_id = a.id and d.decided_by = ${userId} and d.stage in ('first_review', 'second_review')))`
    : sql``;
  const { rows } = await sql<Row>`
    select 'review' as kind, a.id as application_id, null::uuid as certificate_id, a.acceptance_no, null::text as registration_no,
           a.profession, a.type, a.status, i.name as applicant_name, null::uuid as enterprise_id, coalesce(a.stage_entered_at, a.updated_at) as since, count(*) over () as total
      from applications a
      left join identities i on i.user_id = a.applicant_id
     where a.status in (${sql.join(stages)}) and a.employer_signed_at is not null and ${inJurisdiction} ${fourEyes}
     order by coalesce(a.stage_entered_at, a.updated_at), a.id limit ${MAX_PER_ROLE}`.execute(deps.db);
  return rows;
}

/** GET /api/todos: the caller's to-do items in every role they hold, oldest first, and their total count. */
export async function listTodos(deps: Pick<Deps, 'db' | 'config'>, user: Pick<AuthUser, 'id' | 'roles'>): Promise<TodoList> {
  const parts = await Promise.all(
    user.roles.map(async (role) => {
      const rows = role === 'applicant' ? await applicantRows(deps, user.id) : role === 'enterprise_operator' ? await operatorRows(deps, user.id) : await reviewerRows(deps, user.id);
      return { role, rows, total: Number(rows[0]?.total ?? 0) };
    }),
  );
  const items: TodoItem[] = parts
    .flatMap(({ role, rows }) =>
      rows.map((r): TodoItem => ({
        kind: r.kind,
        role,
        title: title(r),
        ...(r.application_id ? { applicationId: r.application_id, acceptanceNo: r.acceptance_no } : {}),
        ...(r.certificate_id ? { certificateId: r.certificate_id } : {}),
        ...(r.kind === 'review' ? { stage: r.status as ReviewStage } : {}),
        ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
        since: new Date(r.since).toISOString(),
      })),
    )
    .sort((a, b) => a.since.localeCompare(b.since));
  return { count: parts.reduce((n, p) => n + p.total, 0), items };
}
