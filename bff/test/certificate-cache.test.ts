/**
 * The verify route's certificate cache (bff/src/domain/certificate-cache.ts) in the process that made a change:
 * a scan right after the revocation's answer must say revoked. PostgreSQL's notification reaches even the sending
 * process only after a round trip, so the app fences after every successful state-changing request. The second
 * test holds the listening connection's socket, so the notification cannot arrive at all: the fence times out
 * and empties the cache, and the scan still reads the revoked row.
 */
import test from 'ava';
import type { Socket } from 'node:net';
import { Client, startTestServer, type TestServer } from './helpers/server.js';
import { validForm } from './helpers/data.js';
import { registeredConstructor, reviewerClient } from './helpers/flow.js';

let s: TestServer;
test.before(async () => {
  s = await startTestServer();
});
test.after.always(async () => {
  await s?.stop();
});

async function scannedCertificate(name: string) {
  const holder = await registeredConstructor(s, validForm(), name);
  const [cert] = (await holder.c.get('/api/certificates')).body as { id: string; verifyUrl: string }[];
  const token = cert.verifyUrl.split('/v/')[1];
  const verify = async () => (await new Client(s.baseUrl).get(`/api/public/certificates/verify?token=${encodeURIComponent(token)}`)).body.status as string;
  // two scans: the second is answered from memory
  return { cert, verify, first: await verify(), second: await verify() };
}

test.serial('a scan right after the revocation answers revoked (the revoking request fenced the cache)', async (t) => {
  const { cert, verify, first, second } = await scannedCertificate('钱七');
  t.deepEqual([first, second], ['valid', 'valid']);
  t.true(s.server.deps.certificateCache!.active);
  t.is((await (await reviewerClient(s)).post(`/api/review/certificates/${cert.id}/revocations`, { reason: '测试注销' })).status, 204);
  t.is(await verify(), 'revoked');
});

test.serial('with the notification held back, the fence times out, empties the cache and the scan still answers revoked', async (t) => {
  const { cert, verify, first, second } = await scannedCertificate('孙八');
  t.deepEqual([first, second], ['valid', 'valid']);
  const cache = s.server.deps.certificateCache!;
  const socket = (cache as unknown as { client: { connection: { stream: Socket } } }).client.connection.stream;
  socket.pause();
  try {
    const started = Date.now();
    t.is((await (await reviewerClient(s)).post(`/api/review/certificates/${cert.id}/revocations`, { reason: '测试注销' })).status, 204);
    t.true(Date.now() - started >= 1900, 'the answer waited for the fence');
    t.is(await verify(), 'revoked');
  } finally {
    socket.resume();
  }
});
