/** Gap-free per-key counters (acceptance numbers per day, registration numbers per year), taken inside the caller's transaction. */
import { sql } from 'kysely';
import type { Tx } from '../db/database.js';

export async function nextCounter(tx: Tx, name: string): Promise<number> {
  const row = await tx
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
