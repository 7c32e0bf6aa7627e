/**
 * Shared certificate links (issue 12, "Copies with a period of use"): the holder shares a claimed certificate
 * from the miniapp as a link valid for a chosen number of days (1..SHARE_LINK_MAX_DAYS), sees the links they
 * shared (with how often each was opened) and revokes any of them. Whoever opens the link sees the
 * certificate's live status and what the certificate prints (no ID number), and can download a copy whose
 * period of use (使用有效期) ends with the link.
 *
 * A link follows its registration: after a new version is issued (a renewal, a change) it shows the current
 * version; after a cancellation it shows 已作废 and offers no copy. The token (32 random bytes, base64url) is
 * kept only as a keyed hash for the lookup and sealed for the holder's list (PiiCipher), never in logs.
 */
import type { ShareLinkView, SharedCertificateView } from '@zhiyetong/shared';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor, Deps } from '../context.js';
import { appError } from '../errors.js';
import { shanghaiDate } from '../time.js';
import { audit } from './audit.js';
import { certificateStatus, loadOwnCertificate, renderCertificateCopy, verifiedDetails } from './certificates.js';
import { isUuid } from './policies.js';

type ShareDeps = Pick<Deps, 'db' | 'now' | 'config' | 'pii' | 'ca' | 'certificateTokens' | 'log' | 'faults'>;

/** How many links one certificate may have that are neither expired nor revoked. */
export const MAX_ACTIVE_LINKS = 20;

export type ShareLinkStatus = 'active' | 'expired' | 'revoked';

/** A link as its holder sees it. */
export type { ShareLinkView };

/** What whoever opens a link sees. `certificate` is null for an unknown, expired or revoked link, and for a void registration. */
export type { SharedCertificateView };

export function shareUrl(config: Deps['config'], token: string): string {
  return `${config.publicBaseUrl}/s/${token}`;
}

function linkStatus(row: { expires_at: Date; revoked_at: Date | null }, now: Date): ShareLinkStatus {
  if (row.revoked_at) return 'revoked';
  return row.expires_at.getTime() <= now.getTime() ? 'expired' : 'active';
}

/**
 * Creates a link to certificate `certificateId` of the caller, valid for `days` days from now.
 * Errors: 404 (not the caller's); 409 certificate_not_claimed; 409 share_link_not_shareable (superseded,
 * void, revoked or expired: nothing valid to show); 409 share_link_limit (MAX_ACTIVE_LINKS active already);
 * 422 validation_failed for days outside 1..SHARE_LINK_MAX_DAYS (route schema).
 */
export async function createShareLink(deps: ShareDeps, actor: Actor, certificateId: string, days: number): Promise<ShareLinkView> {
  const cert = await loadOwnCertificate(deps, actor.id, certificateId);
  if (!cert.claimed_at) throw appError('certificate_not_claimed');
  if (certificateStatus(cert, shanghaiDate(deps.now())) !== 'valid') throw appError('share_link_not_shareable');
  const token = randomBytes(32).toString('base64url');
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  return deps.db.transaction().execute(async (tx) => {
    // serialises the holder's link creations, so the limit holds under concurrent requests
    await sql`select pg_advisory_xact_lock(hashtextextended(${'share-links:' + cert.id}, 0))`.execute(tx);
    const active = await tx
      .selectFrom('certificate_share_links')
      .select(sql<string>`count(*)`.as('n'))
      .where('certificate_id', '=', cert.id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    if (Number(active.n) >= MAX_ACTIVE_LINKS) throw appError('share_link_limit');
    const row = await tx
      .insertInto('certificate_share_links')
      .values({ holder_id: actor.id, certificate_id: cert.id, registration_id: cert.registration_id, token_hash: deps.pii.lookupHash(token), token_enc: deps.pii.encrypt(token), created_at: now, expires_at: expiresAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { actor, action: 'certificate.share_link_created', objectType: 'certificate', objectId: cert.id, details: { linkId: row.id, days, expiresAt: expiresAt.toISOString() } });
    return present(deps, row, token);
  });
}

function present(deps: ShareDeps, row: { id: string; token_enc: Buffer; created_at: Date; expires_at: Date; revoked_at: Date | null; open_count: number; last_opened_at: Date | null }, token?: string): ShareLinkView {
  return {
    id: row.id,
    url: shareUrl(deps.config, token ?? deps.pii.decrypt(row.token_enc)),
    status: linkStatus(row, deps.now()),
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    opens: row.open_count,
    lastOpenedAt: row.last_opened_at?.toISOString() ?? null,
  };
}

/** The caller's links to certificate `certificateId`, newest first. 404 when it is not theirs. */
export async function listShareLinks(deps: ShareDeps, holderId: string, certificateId: string): Promise<ShareLinkView[]> {
  await loadOwnCertificate(deps, holderId, certificateId);
  const rows = await deps.db.selectFrom('certificate_share_links').selectAll().where('certificate_id', '=', certificateId).where('holder_id', '=', holderId).orderBy('created_at', 'desc').execute();
  return rows.map((r) => present(deps, r));
}

/** Revokes link `linkId` of the caller's certificate at once; revoking it again changes nothing. 404 when either is not theirs. */
export async function revokeShareLink(deps: ShareDeps, actor: Actor, certificateId: string, linkId: string): Promise<ShareLinkView> {
  if (!isUuid(linkId)) throw appError('not_found');
  await loadOwnCertificate(deps, actor.id, certificateId);
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('certificate_share_links').selectAll().where('id', '=', linkId).where('certificate_id', '=', certificateId).where('holder_id', '=', actor.id).forUpdate().executeTakeFirst();
    if (!row) throw appError('not_found');
    if (row.revoked_at) return present(deps, row);
    const updated = await tx.updateTable('certificate_share_links').set({ revoked_at: deps.now() }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await audit(tx, { actor, action: 'certificate.share_link_revoked', objectType: 'certificate', objectId: certificateId, details: { linkId } });
    return present(deps, updated);
  });
}

/** The link's row and the certificate it shows now (the registration's active version, else the shared one). */
async function resolve(deps: ShareDeps, token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const link = await deps.db.selectFrom('certificate_share_links').selectAll().where('token_hash', '=', deps.pii.lookupHash(token)).executeTakeFirst();
  if (!link) return null;
  const current = link.registration_id
    ? await deps.db.selectFrom('certificates').selectAll().where('registration_id', '=', link.registration_id).where('status', '=', 'active').orderBy('version', 'desc').executeTakeFirst()
    : undefined;
  const cert = current ?? (await deps.db.selectFrom('certificates').selectAll().where('id', '=', link.certificate_id).executeTakeFirstOrThrow());
  return { link, cert };
}

/**
 * What a link shows (public; counts the opening). Unknown token: link.status 'unknown'; expired or revoked:
 * only that and the expiry; otherwise the live status and the certificate's printed details (none for a
 * superseded or void one, as on the /v/ page).
 */
export async function openShareLink(deps: ShareDeps, token: string): Promise<SharedCertificateView> {
  const found = await resolve(deps, token);
  if (!found) return { link: { status: 'unknown', expiresAt: null }, status: null, certificate: null };
  const { link, cert } = found;
  const status = linkStatus(link, deps.now());
  if (status !== 'active') return { link: { status, expiresAt: link.expires_at.toISOString() }, status: null, certificate: null };
  await deps.db.updateTable('certificate_share_links').set({ open_count: sql`open_count + 1`, last_opened_at: deps.now() }).where('id', '=', link.id).execute();
  const certStatus = certificateStatus(cert, shanghaiDate(deps.now()));
  const shows = certStatus !== 'superseded' && certStatus !== 'void';
  return {
    link: { status, expiresAt: link.expires_at.toISOString() },
    status: certStatus,
    certificate: shows ? verifiedDetails(cert) : null,
  };
}

/**
 * A copy of the shared certificate for whoever holds an active link: rendered and signed now, its period
 * of use ending with the link (or earlier at a specialty's expiry). Errors: 404 share_link_invalid (unknown,
 * expired or revoked link); 409 certificate_expired / share_link_not_shareable when nothing valid is left.
 */
export async function shareLinkPdf(deps: ShareDeps, token: string): Promise<{ pdf: Buffer; fileName: string; copy: { validFrom: string; validUntil: string } }> {
  const found = await resolve(deps, token);
  if (!found || linkStatus(found.link, deps.now()) !== 'active') throw appError('share_link_invalid');
  const { link, cert } = found;
  if (cert.status !== 'active') throw appError('share_link_not_shareable');
  const today = shanghaiDate(deps.now());
  const lastDay = shanghaiDate(new Date(link.expires_at.getTime() - 1));
  const days = Math.min(deps.config.certificateCopyDays, Math.round((Date.parse(lastDay) - Date.parse(today)) / 86_400_000) + 1);
  const { pdf, copy } = await renderCertificateCopy(deps, cert, days);
  await audit(deps.db, { actor: null, action: 'certificate.downloaded', objectType: 'certificate', objectId: cert.id, details: { via: 'share_link', linkId: link.id, copyValidUntil: copy.validUntil } });
  return { pdf, fileName: `电子注册证书_${cert.registration_no}.pdf`, copy };
}
