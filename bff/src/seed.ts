/**
 * Development data, created on the first start of an empty development database: the enterprise
 * 上海建和工程咨询有限公司 (USCC 91310115MA1K3YJH5A) whose operator logs in with 13800000002, and a reviewer
 * who logs in with 13800000009. Any other phone logs in as an applicant.
 */
import type { Db } from './db/database.js';

export const DEV_ENTERPRISE = { name: '上海建和工程咨询有限公司', uscc: '91310115MA1K3YJH5A', operatorPhone: '13800000002' };
export const DEV_REVIEWER_PHONE = '13800000009';

export async function seedDevData(db: Db): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const any = await tx.selectFrom('enterprises').select('id').limit(1).executeTakeFirst();
    if (any) return false;
    const enterprise = await tx.insertInto('enterprises').values({ name: DEV_ENTERPRISE.name, uscc: DEV_ENTERPRISE.uscc }).returning('id').executeTakeFirstOrThrow();
    const operator = await tx
      .insertInto('users')
      .values({ phone: DEV_ENTERPRISE.operatorPhone, roles: ['enterprise_operator'] })
      .onConflict((oc) => oc.column('phone').doUpdateSet({ roles: ['enterprise_operator'] }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('enterprise_operators').values({ enterprise_id: enterprise.id, user_id: operator.id }).execute();
    await tx
      .insertInto('users')
      .values({ phone: DEV_REVIEWER_PHONE, roles: ['reviewer'] })
      .onConflict((oc) => oc.column('phone').doUpdateSet({ roles: ['reviewer'] }))
      .execute();
    return true;
  });
}
