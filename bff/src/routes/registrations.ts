/** The register as its holder sees it, and which matters the holder may start now. */
import { NOT_OFFERED_PROFESSIONS, PROFESSION_LABELS, PROFESSION_MATTERS, PROFESSION_RULES, SPECIALTIES, SPECIALTY_LABELS, PROFESSIONS, REGISTRATION_TYPES, registerView, REGISTRATION_TYPE_LABELS, employerChangeAvailability, matterAvailability, type MatterAvailabilityView, type Profession, type RegistrationView } from '@zhiyetong/shared';
import { z } from 'zod';
import type { Deps } from '../context.js';
import type { ApiRouter } from '../http/api-router.js';
import { matterContext } from '../domain/applications.js';
import { registerStateOf, registrationHistory } from '../domain/register.js';
import * as views from '@zhiyetong/shared';

export function registrationRoutes(api: ApiRouter, deps: Deps) {
  const applicant = ['applicant' as const];

  api.get(
    '/api/registrations',
    { tag: 'registrations', summary: '我的注册信息 (注册信息库): per profession the registration number, employer, status, specialties with valid-until dates, and the full history (which matter changed what, when)', roles: applicant, responses: { 200: z.array(views.registrationViewSchema) } },
    async (ctx) => {
      const identity = await deps.db.selectFrom('identities').select('id_number_hash').where('user_id', '=', ctx.state.user.id).executeTakeFirst();
      if (!identity) return void (ctx.body = []);
      const rows = await deps.db.selectFrom('registrations').selectAll().where('holder_id_number_hash', '=', identity.id_number_hash).orderBy('created_at').execute();
      const body: RegistrationView[] = [];
      // registerView: a registration held as a whole (architects) shows its validUntil and no specialty entries
      for (const row of rows)
        body.push({
          id: row.id,
          ...registerView(await registerStateOf(deps.db, row)),
          history: (await registrationHistory(deps.db, row.id)).map((h) => ({ ...h, before: h.before && registerView(h.before), after: registerView(h.after) })),
        });
      ctx.body = body;
    },
  );

  api.get(
    '/api/professions',
    {
      tag: 'registrations',
      summary:
        '职业目录 (public): each profession the platform takes with its rules (shared PROFESSION_RULES: specialties or none, qualification origin, training details, signature image, certificate fields, the matters offered or the reason not), and the professions listed as not offered with the reason (二级注册结构工程师: no seed describes its forms)',
      responses: { 200: views.professionCatalogueSchema },
    },
    async (ctx) => {
      ctx.body = {
        offered: PROFESSIONS.map((p) => ({
          profession: p,
          label: PROFESSION_LABELS[p],
          specialties: SPECIALTIES[p].map((s) => ({ code: s, label: SPECIALTY_LABELS[s] })),
          rules: PROFESSION_RULES[p],
          matters: REGISTRATION_TYPES.map((type) => ({ type, label: REGISTRATION_TYPE_LABELS[type], offered: PROFESSION_MATTERS[p][type] === true, ...(PROFESSION_MATTERS[p][type] === true ? {} : { reason: PROFESSION_MATTERS[p][type] }) })),
        })),
        notOffered: NOT_OFFERED_PROFESSIONS,
      };
    },
  );

  api.get(
    '/api/matters',
    {
      tag: 'registrations',
      summary: '可办理的注册事项: for each profession (or the one asked for) and matter, whether the register allows it now, and if not the stable code and the reason to show (shared matterAvailability); an available `change` carries the code and reason of a change of employer that is not open (employer_change_by_cancellation, employer_change_too_soon: shared employerChangeAvailability)',
      roles: applicant,
      query: z.object({ profession: z.enum(PROFESSIONS).optional() }),
      responses: { 200: z.array(views.matterAvailabilityViewSchema) },
    },
    async (ctx) => {
      const { profession } = ctx.state.query as { profession?: Profession };
      const body: MatterAvailabilityView[] = [];
      for (const p of profession ? [profession] : PROFESSIONS) {
        const { ctx: mctx } = await matterContext(deps, deps.db, ctx.state.user.id, p);
        for (const type of REGISTRATION_TYPES) {
          const a = matterAvailability(p, type, mctx);
          // a change of details may be open while a change of employer is not (Shanghai: cancel, then initial at the new
          // employer; Sichuan: not twice within a year): the change row then stays available and carries that code and reason
          const e = type === 'change' && a.available ? employerChangeAvailability(mctx) : null;
          body.push({ profession: p, type, label: REGISTRATION_TYPE_LABELS[type], available: a.available, ...(a.available ? (e && !e.available ? { code: e.code, reason: e.reason } : {}) : { code: a.code, reason: a.reason }) });
        }
      }
      ctx.body = body;
    },
  );
}
