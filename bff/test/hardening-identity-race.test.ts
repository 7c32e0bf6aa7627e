/**
 * Issue 15 item 5: 20 users save the same ID number at once. Exactly one gets it; every other answer is
 * 409 `identity_taken` (9 of 20 were 500 from the unique violation before).
 */
import test from 'ava';
import { login, startTestServer, type TestServer } from './helpers/server.js';
import { freshPhone, makeIdNumber } from './helpers/data.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

test('20 parallel PUT /api/me/identity with one ID number from different users: one 200, nineteen 409 identity_taken', async (t) => {
  const users = [];
  for (let i = 0; i < 20; i++) users.push(await login(s, freshPhone()));
  for (let round = 0; round < 3; round++) {
    const idNumber = makeIdNumber('19850612', String(300 + round));
    const results = await Promise.all(users.map((c) => c.put('/api/me/identity', { name: '李四', idNumber })));
    const statuses = results.map((r) => r.status);
    t.is(statuses.filter((x) => x === 200).length, 1, `round ${round}: ${statuses.join(',')}`);
    t.is(statuses.filter((x) => x === 409).length, 19, `round ${round}: ${statuses.join(',')}`);
    for (const r of results) if (r.status === 409) t.is(r.body.error.code, 'identity_taken');
    const owners = await s.server.deps.db.selectFrom('identities').select('user_id').where('id_number_hash', '=', s.server.deps.pii.lookupHash(idNumber)).execute();
    t.is(owners.length, 1);
    // the winner moves to another number, so the next round races again from free users
    const winner = users[statuses.indexOf(200)];
    t.is((await winner.put('/api/me/identity', { name: '李四', idNumber: makeIdNumber('19850612', String(400 + round)) })).status, 200);
  }
});
