/**
 * The people the fuzzer acts as, on a running test server: anonymous, two applicants (an "attacker" and a
 * "victim", each with real-name data and, when the current workflow allows, a draft application), the
 * seeded enterprise operator and the reviewer. The victim's full ID number, phone and application id are
 * its secrets: no other actor may receive them (the reviewer, who verifies identities, excepted).
 */
import { login, type TestServer } from '../bff/test/helpers/server.js';
import { freshPhone, makeIdNumber, validForm } from '../bff/test/helpers/data.js';
import { operatorClient, reviewerClient } from '../bff/test/helpers/flow.js';
import type { FuzzActor } from './fuzz-openapi.js';

async function applicant(s: TestServer, name: string, idNumber: string) {
  const phone = freshPhone();
  const c = await login(s, phone);
  await c.put('/api/me/identity', { name, idNumber });
  const reviewer = await reviewerClient(s);
  await reviewer.post('/api/review/in-person-verifications', { idNumber });
  const app = await c.post('/api/applications', { profession: 'constructor', type: 'initial' });
  const appId: string | undefined = app.status < 300 ? app.body.id : undefined;
  if (appId) {
    const current = await c.get(`/api/applications/${appId}`);
    await c.put(`/api/applications/${appId}`, { version: current.body.version, form: validForm() });
  }
  return { c, phone, idNumber, appId, userId: c.userId };
}

export async function fuzzActors(s: TestServer): Promise<{ actors: FuzzActor[]; pathValues: string[] }> {
  const victim = await applicant(s, '司马文远', makeIdNumber('19790923', '517', '110105'));
  const attacker = await applicant(s, '欧阳建华', makeIdNumber('19920211', '236', '440106'));
  const operator = await operatorClient(s);
  const reviewer = await reviewerClient(s);
  const actors: FuzzActor[] = [
    { name: 'anonymous' },
    { name: 'attacker', token: attacker.c.token, secrets: [attacker.idNumber, attacker.phone, ...(attacker.appId ? [attacker.appId] : [])], sharedWith: ['reviewer'] },
    { name: 'victim', token: victim.c.token, secrets: [victim.idNumber, victim.phone, ...(victim.appId ? [victim.appId] : [])], sharedWith: ['reviewer'] },
    { name: 'operator', token: operator.token },
    { name: 'reviewer', token: reviewer.token },
  ];
  const pathValues = [victim.appId, attacker.appId, victim.userId, attacker.userId].filter((v): v is string => Boolean(v));
  return { actors, pathValues };
}
