/**
 * Shared certificate links (issue 12): the holder shares a claimed certificate for a chosen number of days,
 * sees the links with how often each was opened, and revokes them; whoever opens a link sees the live status
 * and the printed details (never the ID number) and downloads a signed copy whose period of use ends with the
 * link; nobody else can list, make or revoke the holder's links.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { login, type TestServer, startTestServer } from './helpers/server.js';
import { freshPhone } from './helpers/data.js';
import { registeredConstructor } from './helpers/flow.js';

const run = promisify(execFile);
let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const get = (url: string) => fetch(url, { redirect: 'manual' }).then(async (r) => ({ status: r.status, text: Buffer.from(await r.arrayBuffer()), headers: r.headers }));

test.serial('a holder shares, lists and revokes links; the opener sees the live certificate and downloads a copy ending with the link', async (t) => {
  const holder = await registeredConstructor(s);
  const [cert] = (await holder.c.get('/api/certificates')).body;
  // an unclaimed certificate is not shared
  t.is((await holder.c.post(`/api/certificates/${cert.id}/share-links`, { days: 7 })).body.error.code, 'certificate_not_claimed');
  t.is((await holder.c.post(`/api/certificates/${cert.id}/claim`)).status, 200);
  for (const days of [0, 31, 1.5]) t.is((await holder.c.post(`/api/certificates/${cert.id}/share-links`, { days })).status, 422, `days ${days}`);

  const created = await holder.c.post(`/api/certificates/${cert.id}/share-links`, { days: 7 });
  t.is(created.status, 201, JSON.stringify(created.body));
  const link = created.body;
  t.regex(link.url, /\/s\/[A-Za-z0-9_-]{43}$/);
  t.is(link.status, 'active');
  t.is(Date.parse(link.expiresAt) - s.now().getTime() > 6.9 * 86_400_000, true);
  const token = link.url.split('/s/')[1];

  const json = await get(`${s.baseUrl}/api/public/share-links/${token}`);
  const view = JSON.parse(json.text.toString());
  t.is(view.link.status, 'active');
  t.is(view.status, 'valid');
  t.is(view.certificate.registrationNo, cert.registrationNo);
  t.is(view.certificate.holderName, '赵六');
  t.false(json.text.toString().includes(holder.idNumber), 'no ID number in what a link shows');

  const page = await get(`${s.baseUrl}/s/${token}`);
  t.is(page.status, 200);
  const html = page.text.toString();
  t.true(html.includes('赵六') && html.includes(cert.registrationNo) && html.includes('本链接由持证人分享'));
  t.false(html.includes(holder.idNumber));

  const pdf = await get(`${s.baseUrl}/s/${token}/certificate.pdf`);
  t.is(pdf.status, 200);
  const lastDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.parse(link.expiresAt) - 1));
  t.is(pdf.headers.get('x-copy-valid-until'), lastDay, 'the copy ends on the link\'s last day');
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-share-'));
  try {
    await writeFile(path.join(dir, 'c.pdf'), pdf.text);
    const { stdout } = await run('pdfsig', [path.join(dir, 'c.pdf')]).catch((e) => e);
    t.regex(stdout, /Signature is Valid/);
    const text = (await run('pdftotext', [path.join(dir, 'c.pdf'), '-'])).stdout;
    t.true(text.includes(cert.registrationNo));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // someone else can neither list, create nor revoke the holder's links
  const other = await login(s, freshPhone());
  t.is((await other.get(`/api/certificates/${cert.id}/share-links`)).status, 404);
  t.is((await other.post(`/api/certificates/${cert.id}/share-links`, { days: 3 })).status, 404);
  t.is((await other.delete(`/api/certificates/${cert.id}/share-links/${link.id}`)).status, 404);

  const listed = (await holder.c.get(`/api/certificates/${cert.id}/share-links`)).body;
  t.is(listed.length, 1);
  t.is(listed[0].url, link.url, 'the holder can copy the link again');
  t.is(listed[0].opens, 2, 'the JSON view and the page each count an opening');

  const revoked = await holder.c.delete(`/api/certificates/${cert.id}/share-links/${link.id}`);
  t.is(revoked.status, 200);
  t.is(revoked.body.status, 'revoked');
  const gone = await get(`${s.baseUrl}/s/${token}`);
  t.is(gone.status, 410);
  t.true(gone.text.toString().includes('持证人已撤销'));
  t.false(gone.text.toString().includes(cert.registrationNo));
  t.is((await get(`${s.baseUrl}/s/${token}/certificate.pdf`)).status, 404);
  t.is(JSON.parse((await get(`${s.baseUrl}/api/public/share-links/${token}`)).text.toString()).link.status, 'revoked');
  t.is((await get(`${s.baseUrl}/s/${'A'.repeat(43)}`)).status, 404);
  t.is((await get(`${s.baseUrl}/s/not-a-token`)).status, 404);

  // a one-day link stops working after its day
  const short = (await holder.c.post(`/api/certificates/${cert.id}/share-links`, { days: 1 })).body;
  const shortToken = short.url.split('/s/')[1];
  t.is((await get(`${s.baseUrl}/s/${shortToken}`)).status, 200);
  s.advance(86_400_000 + 1000);
  const expired = await get(`${s.baseUrl}/s/${shortToken}`);
  t.is(expired.status, 410);
  t.true(expired.text.toString().includes('已于'));
  const audit = await s.server.deps.db.selectFrom('audit_log').select('action').where('object_id', '=', cert.id).execute();
  t.is(audit.filter((a) => a.action === 'certificate.share_link_created').length, 2);
  t.is(audit.filter((a) => a.action === 'certificate.share_link_revoked').length, 1);
});
