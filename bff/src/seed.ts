/**
 * Development data, created on the first start of an empty development database: the enterprise
 * 上海建和工程咨询有限公司 (USCC 91310115MA1K3YJH5A) whose operator logs in with 13800000002, and a reviewer
 * who logs in with 13800000009. Any other phone logs in as an applicant. The province's authority tree
 * (authorities.ts PROVINCE_AUTHORITIES: Shanghai's commission; Hunan's department with 长沙市 and 邵阳市) is
 * created too, with the reviewer as a province administrator holding every stage role.
 */
import { sql } from 'kysely';
import type { Province } from '@zhiyetong/shared';
import type { Db } from './db/database.js';
import { ensureAuthorities } from './domain/authorities.js';

export const DEV_ENTERPRISE = { name: '上海建和工程咨询有限公司', uscc: '91310115MA1K3YJH5A', operatorPhone: '13800000002' };
export const DEV_REVIEWER_PHONE = '13800000009';

/**
 * The development enterprise's basic information (003 §3.2.2.1), complete so that it may counter-sign and
 * file (enterpriseProfileSchema). Tests that insert an enterprise by hand give it this profile too.
 */
export const DEV_ENTERPRISE_PROFILE = {
  establishedOn: '2016-03-18',
  locality: 'in_province',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  businessAddress: '上海市浦东新区张杨路 500 号 12 楼',
  registrationType: '173',
  registeredCapital: 1000,
  capitalCurrency: 'CNY',
  officePhone: '021-58881234',
  contactName: '李建国',
  contactMobile: '13800000002',
  qualificationType: '非招标代理机构',
} as const;

export async function seedDevData(db: Db, province: Province = 'shanghai'): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    // a database created before 0010 gets the development enterprise's basic information
    await tx.updateTable('enterprises').set({ profile: JSON.stringify(DEV_ENTERPRISE_PROFILE), legal_representative_name: '王建和' }).where('uscc', '=', DEV_ENTERPRISE.uscc).where(sql<boolean>`profile = '{}'::jsonb`).execute();
    const any = await tx.selectFrom('enterprises').select('id').limit(1).executeTakeFirst();
    if (any) {
      // a database created before 0012 gets its authority tree and the reviewer's place too
      await ensureAuthorities(tx, province, DEV_REVIEWER_PHONE);
      return false;
    }
    const enterprise = await tx.insertInto('enterprises').values({ name: DEV_ENTERPRISE.name, uscc: DEV_ENTERPRISE.uscc, profile: JSON.stringify(DEV_ENTERPRISE_PROFILE), legal_representative_name: '王建和' }).returning('id').executeTakeFirstOrThrow();
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
    await ensureAuthorities(tx, province, DEV_REVIEWER_PHONE);
    return true;
  });
}
