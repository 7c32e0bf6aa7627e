/**
 * Issue 12: signed claims in the QR code, verified offline with only the trust list. Each case decodes the
 * QR from a rendered certificate PDF (pdftoppm → jsQR) and checks it with shared/src/certificate-claims.ts
 * (the code the miniapp's scanner runs): a valid copy, a copy past its period of use, a superseded version,
 * a tampered claim, an unknown key, a rotated and then retired key; the online answer for each; copies
 * with a period of use chosen at download; old-style (JWS pointer) tokens still verify online.
 */
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import test from 'ava';
import { Encoder } from 'cbor-x';
import {
  bytesToDigits,
  claimsSigningInput,
  claimsToken,
  parseClaimsToken,
  verifyClaimsOffline,
  verifyTrustList,
  type CertificateClaims,
  type TrustList,
} from '@zhiyetong/shared';
import { decodeQrFromPdf, pdfsigReport, pdfText } from './pdf/helpers.js';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { completeApplication, fileMatter, registeredConstructor } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

const DAY = 86_400_000;
const pub = () => new Client(s.baseUrl);
const verifyOnline = async (token: string) => (await pub().get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`)).body;
const tokenOfUrl = (url: string) => url.split('/v/')[1];
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const shanghaiToday = () => new Date(s.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The trust list as an offline verifier gets it: fetched once, its signature checked against the pinned anchor. */
async function fetchTrustList(anchor?: { x: string; y: string }): Promise<{ list: TrustList; anchor: { x: string; y: string }; jws: string }> {
  const res = await pub().get('/api/public/trust-list');
  const pinned = anchor ?? res.body.anchor.publicKey;
  const list = verifyTrustList(res.body.jws, pinned);
  if (!list) throw new Error('trust list did not verify');
  return { list, anchor: pinned, jws: res.body.jws };
}

let holder: Awaited<ReturnType<typeof registeredConstructor>>;
let v1Id: string;
let anchor: { x: string; y: string };
let firstCopy: string; // token of a 30-day copy of version 1
let firstKid: string;

test.serial('a downloaded copy carries signed claims in its QR: verified offline with only the trust list', async (t) => {
  const three = ['building', 'municipal', 'electromechanical'].map((specialty) => ({ specialty, issueDate: '2025-03-21' }));
  holder = await registeredConstructor(s, validForm({ specialties: three }), '欧阳建国');
  const [cert] = (await holder.c.get('/api/certificates')).body;
  v1Id = cert.id;
  t.is((await holder.c.post(`/api/certificates/${v1Id}/claim`)).status, 200);

  const trust = await fetchTrustList();
  anchor = trust.anchor;
  t.is(trust.list.keys.length, 1);
  t.regex(trust.jws, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  // an altered trust list does not verify against the pinned anchor
  const [h, p, sig] = trust.jws.split('.');
  const altered = Buffer.from(JSON.stringify({ ...trust.list, keys: [] })).toString('base64url');
  t.is(verifyTrustList(`${h}.${altered}.${sig}`, anchor), null);
  t.truthy(verifyTrustList(`${h}.${p}.${sig}`, anchor));
  const { privateKey: other } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const otherJwk = other.export({ format: 'jwk' });
  t.is(verifyTrustList(trust.jws, { x: otherJwk.x!, y: otherJwk.y! }), null, 'another anchor does not verify it');

  const res = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf?days=30`);
  t.is(res.status, 200);
  const today = shanghaiToday();
  t.is(res.headers.get('x-copy-valid-until'), addDays(today, 29));
  const url = await decodeQrFromPdf(res.bytes);
  t.true(url.startsWith(`${s.server.deps.config.publicBaseUrl}/v/`), url);
  firstCopy = tokenOfUrl(url);
  t.regex(firstCopy, /^\d+$/, 'digits only: the QR numeric mode');

  const offline = verifyClaimsOffline(firstCopy, trust.list, s.now());
  t.is(offline.outcome, 'valid');
  firstKid = offline.kid!;
  t.is(firstKid, trust.list.keys[0].kid);
  const claims = offline.claims!;
  t.is(claims.holderName, '欧阳建国');
  t.is(claims.registrationNo, holder.registration.registrationNo);
  t.is(claims.profession, 'constructor');
  t.is(claims.employerName, '上海建和工程咨询有限公司');
  t.is(claims.version, 1);
  t.deepEqual(claims.specialties.map((x) => x.specialty), ['building', 'municipal', 'electromechanical']);
  t.deepEqual(claims.copy, { validFrom: today, validUntil: addDays(today, 29) });
  t.is(offline.trustListIssuedAt, trust.list.issuedAt);
  // nothing personal beyond what the certificate prints: no ID number, no birth date
  const text = JSON.stringify(claims);
  t.false(text.includes(holder.idNumber));
  t.false(text.includes(holder.idNumber.slice(6, 14)));

  // printed on the copy, and the copy is signed
  const printed = (await pdfText(res.bytes)).replace(/\s+/g, '');
  const cn = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  t.true(printed.includes(`本件使用有效期：${cn(today)}至${cn(addDays(today, 29))}`), printed);
  t.deepEqual((await pdfsigReport(res.bytes)).map((x) => x.valid), [true]);

  // online: the live status and the copy
  const online = await verifyOnline(firstCopy);
  t.is(online.status, 'valid');
  t.is(online.certificate.holderName, '欧阳建国');
  t.deepEqual(online.copy, { validFrom: today, validUntil: addDays(today, 29), inUse: true, version: 1 });
  t.deepEqual(online.signature, { kid: firstKid, outcome: 'valid' });
  const page = await pub().get(`/v/${firstCopy}`);
  t.is(page.status, 200);
  t.true(page.body.includes('data-status="valid"'));
  t.true(page.body.includes('本件使用有效期'));
});

test.serial('the period of use: default the maximum (180 days), cut at the earliest specialty expiry; the holder chooses within it', async (t) => {
  const def = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf`);
  t.is(def.status, 200);
  const today = shanghaiToday();
  t.is(def.headers.get('x-copy-valid-until'), addDays(today, 179));
  for (const days of ['0', '181', 'abc', '1.5']) {
    const bad = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf?days=${days}`);
    t.is(bad.status, 422, days);
    t.truthy(bad.body.error.code);
  }
  // 500 days later (the clock of this server only), within a few months of expiry the copy ends with the earliest specialty
  const reg = (await holder.c.get('/api/registrations')).body[0];
  const earliest = reg.specialties.map((x: { validUntil: string }) => x.validUntil).sort()[0];
  const toNearExpiry = Date.parse(`${addDays(earliest, -60)}T12:00:00+08:00`) - s.now().getTime();
  s.advance(toNearExpiry);
  try {
    const cut = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf?days=180`);
    t.is(cut.status, 200);
    t.is(cut.headers.get('x-copy-valid-until'), earliest);
    const token = tokenOfUrl(await decodeQrFromPdf(cut.bytes));
    const { list } = await fetchTrustList(anchor);
    t.is(verifyClaimsOffline(token, list, s.now()).claims!.copy.validUntil, earliest);
  } finally {
    s.advance(-toNearExpiry);
  }
});

test.serial('a copy past its period of use: offline copy_expired; online the registration is still valid', async (t) => {
  const { list } = await fetchTrustList(anchor);
  t.is(verifyClaimsOffline(firstCopy, list, new Date(s.now().getTime() + 31 * DAY)).outcome, 'copy_expired');
  t.is(verifyClaimsOffline(firstCopy, list, new Date(s.now().getTime() + 29 * DAY)).outcome, 'valid', 'the last day is inside');
  s.advance(31 * DAY);
  try {
    const online = await verifyOnline(firstCopy);
    t.is(online.status, 'valid', 'the registration itself is valid');
    t.false(online.copy.inUse);
    t.is(online.signature.outcome, 'copy_expired');
    const page = await pub().get(`/v/${firstCopy}`);
    t.true(page.body.includes('使用有效期已届满'));
  } finally {
    s.advance(-31 * DAY);
  }
});

test.serial('a tampered claim is invalid offline and online; an unknown key is reported as unknown', async (t) => {
  const { list } = await fetchTrustList(anchor);
  const parsed = parseClaimsToken(firstCopy)!;
  const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });
  // one changed character in the holder's name, same signature
  const payload = Buffer.from(parsed.payload);
  const at = payload.indexOf(Buffer.from('欧阳建国'));
  t.true(at > 0);
  Buffer.from('欧阳建军').copy(payload, at);
  const tampered = bytesToDigits(cbor.encode([parsed.protectedHeader, new Map(), payload, parsed.signature]));
  t.is(verifyClaimsOffline(tampered, list, s.now()).outcome, 'invalid');
  t.is(verifyClaimsOffline(tampered, list, s.now()).claims, null, 'no claims shown for a bad signature');
  const online = await verifyOnline(tampered);
  t.is(online.status, 'invalid');
  t.is(online.certificate, null);
  t.is(online.signature.outcome, 'invalid');

  // claims signed by a key the trust list does not hold
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims: CertificateClaims = verifyClaimsOffline(firstCopy, list, s.now()).claims!;
  const input = claimsSigningInput(claims, 'forger01');
  const forged = claimsToken(input, cryptoSign('sha256', input.toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  t.deepEqual([verifyClaimsOffline(forged, list, s.now()).outcome, verifyClaimsOffline(forged, list, s.now()).kid], ['unknown_key', 'forger01']);
  t.is((await verifyOnline(forged)).signature.outcome, 'unknown_key');
  t.true((await pub().get(`/v/${forged}`)).body.includes('签名密钥不在信任列表中'));
  // and by a foreign key under the authority's own key id
  const input2 = claimsSigningInput(claims, firstKid);
  const impostor = claimsToken(input2, cryptoSign('sha256', input2.toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  t.is(verifyClaimsOffline(impostor, list, s.now()).outcome, 'invalid');
  // garbage
  t.is(verifyClaimsOffline('12345678901234567890123', list, s.now()).outcome, 'malformed');
  t.is((await verifyOnline('12345678901234567890123')).status, 'invalid');
});

test.serial('key rotation: the new key signs new copies, the old one verifies until retired, then is reported retired', async (t) => {
  const tokens = s.server.deps.certificateTokens;
  const newKid = await tokens.rotate(s.now());
  t.not(newKid, firstKid);
  const before = (await fetchTrustList(anchor)).list;
  t.deepEqual(before.keys.map((k) => [k.kid, k.retiredAt]), [[firstKid, null], [newKid, null]]);

  const res = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf?days=60`);
  const rotated = tokenOfUrl(await decodeQrFromPdf(res.bytes));
  const r = verifyClaimsOffline(rotated, before, s.now());
  t.deepEqual([r.outcome, r.kid], ['valid', newKid]);
  t.is(verifyClaimsOffline(firstCopy, before, s.now()).outcome, 'valid', 'the old key still verifies');
  // a phone holding the trust list of before the rotation does not know the new key yet
  const old = await fetchTrustList(anchor);
  old.list.keys = old.list.keys.filter((k) => k.kid === firstKid);
  t.is(verifyClaimsOffline(rotated, old.list, s.now()).outcome, 'unknown_key');

  tokens.retire(firstKid, s.now());
  const after = (await fetchTrustList(anchor)).list;
  t.truthy(after.keys.find((k) => k.kid === firstKid)!.retiredAt);
  t.deepEqual([verifyClaimsOffline(firstCopy, after, s.now()).outcome, verifyClaimsOffline(firstCopy, after, s.now()).kid], ['retired_key', firstKid]);
  t.is(verifyClaimsOffline(rotated, after, s.now()).outcome, 'valid');
  const online = await verifyOnline(firstCopy);
  t.is(online.status, 'invalid');
  t.is(online.signature.outcome, 'retired_key');
  t.true((await pub().get(`/v/${firstCopy}`)).body.includes('签名密钥已停用'));
  t.is((await verifyOnline(rotated)).status, 'valid');
  // the trust list stays signed by the same anchor through the rotation
  t.truthy(verifyTrustList((await pub().get('/api/public/trust-list')).body.jws, anchor));
});

test.serial('a superseded version: offline the signature is genuine (version 1); online it answers superseded; old-style tokens still verify', async (t) => {
  const { list } = await fetchTrustList(anchor);
  const res = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf?days=90`);
  const v1Copy = tokenOfUrl(await decodeQrFromPdf(res.bytes));
  const legacy = await s.server.deps.certificateTokens.sign({ id: v1Id, registrationNo: holder.registration.registrationNo });
  t.is((await verifyOnline(legacy)).status, 'valid', 'a pointer token of an existing certificate verifies');

  const add = await fileMatter(holder.c, 'add_specialty', { employer: { phone: '021-55501234' }, specialties: [{ specialty: 'highway', issueDate: '2025-03-21' }], continuingEducation: [], declarationAccepted: true });
  t.is(add.saved!.status, 200, JSON.stringify(add.saved!.body));
  await completeApplication(s, holder.c, holder.phone, add.created.body.id);
  const certs = (await holder.c.get('/api/certificates')).body;
  t.deepEqual(certs.map((c: { version: number; status: string }) => [c.version, c.status]), [[2, 'valid'], [1, 'superseded']]);

  const offline = verifyClaimsOffline(v1Copy, list, s.now());
  t.is(offline.outcome, 'valid', 'offline cannot know of the newer version');
  t.is(offline.claims!.version, 1);
  const online = await verifyOnline(v1Copy);
  t.is(online.status, 'superseded');
  t.is(online.certificate, null);
  t.is(online.copy.version, 1);
  t.true((await pub().get(`/v/${v1Copy}`)).body.includes('已换发新证书'));
  t.is((await verifyOnline(legacy)).status, 'superseded', 'and the old-style token too');

  // the new version's copy names version 2 and four specialties
  t.is((await holder.c.post(`/api/certificates/${certs[0].id}/claim`)).status, 200);
  const v2 = await holder.c.get(`/api/certificates/${certs[0].id}/certificate.pdf`);
  const v2Token = tokenOfUrl(await decodeQrFromPdf(v2.bytes));
  const v2Claims = verifyClaimsOffline(v2Token, list, s.now()).claims!;
  t.is(v2Claims.version, 2);
  t.is(v2Claims.specialties.length, 4);
  // the app's certificate view shows a claims token too
  t.regex(tokenOfUrl(certs[0].verifyUrl), /^\d+$/);
  t.is((await verifyOnline(tokenOfUrl(certs[0].verifyUrl))).status, 'valid');
  // a superseded version downloads as stored (the copy made at issue; its QR answers superseded online)
  const oldPdf = await holder.c.get(`/api/certificates/${v1Id}/certificate.pdf`);
  t.is(oldPdf.status, 200);
});
