/** What leaves the server about employer rename batches (000 figure 61). No personal data: counts only. */
import type { EmployerRenameBatchView } from '@zhiyetong/shared';
import type { Selectable } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { EmployerRenameBatchesTable } from '../db/schema.js';

const STATUS_LABELS = { running: '进行中', completed: '已完成' } as const;

/** The batch with its counts so far: registrations renamed, certificate versions issued, holders notified. */
export async function presentRenameBatch(db: DbOrTx, batch: Selectable<EmployerRenameBatchesTable>): Promise<EmployerRenameBatchView> {
  const counts = await db
    .selectFrom('employer_rename_steps')
    .select((eb) => [
      eb.fn.countAll<number>().as('registrations'),
      eb.fn.count<number>('certificate_id').as('certificates'),
      eb.fn.sum<number>(eb.case().when('notified', '=', true).then(1).else(0).end()).as('notified'),
    ])
    .where('batch_id', '=', batch.id)
    .executeTakeFirstOrThrow();
  return {
    id: batch.id,
    acceptanceNo: batch.acceptance_no,
    oldName: batch.old_name,
    newName: batch.new_name,
    status: batch.status,
    statusLabel: STATUS_LABELS[batch.status],
    registrations: Number(counts.registrations),
    certificates: Number(counts.certificates),
    notified: Number(counts.notified ?? 0),
    requestedAt: batch.requested_at.toISOString(),
    completedAt: batch.completed_at?.toISOString() ?? null,
  };
}
