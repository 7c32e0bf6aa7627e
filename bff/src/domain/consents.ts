/** Consents a person gives (the privacy guide, the face-data rules), kept with their version and time. */
import type { DbOrTx } from '../db/database.js';
import type { ConsentsTable } from '../db/schema.js';

/** The person's latest consent of `kind` ({version, agreed_at}), undefined if none was given. */
export function latestConsent(db: DbOrTx, userId: string, kind: ConsentsTable['kind']) {
  return db.selectFrom('consents').select(['version', 'agreed_at']).where('user_id', '=', userId).where('kind', '=', kind).orderBy('agreed_at', 'desc').limit(1).executeTakeFirst();
}
