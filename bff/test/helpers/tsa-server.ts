/**
 * A local RFC 3161 time-stamping authority for tests: Debian's `openssl ts -reply` behind a small HTTP
 * server on 127.0.0.1 (POST application/timestamp-query → application/timestamp-reply). Its own root and
 * TSA certificate (extendedKeyUsage critical timeStamping) are made with `openssl req`/`x509` in a temp dir.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalTsa {
  url: string;
  dir: string;
  /** The TSA's root certificate (PEM file) and its own certificate, for `openssl ts -verify`. */
  caFile: string;
  tsaCertFile: string;
  /** Requests answered so far. */
  requests: number;
  stop(): Promise<void>;
}

export async function startLocalTsa(): Promise<LocalTsa> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zyt-tsa-'));
  const f = (n: string) => path.join(dir, n);
  await writeFile(f('ext.cnf'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-subj', '/CN=ZYT Test TSA Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('tsa.key'), '-out', f('tsa.csr'), '-subj', '/CN=ZYT Test TSA']);
  await run('openssl', ['x509', '-req', '-in', f('tsa.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('tsa.crt'), '-days', '30', '-extfile', f('ext.cnf')]);
  await writeFile(f('serial'), '01\n');
  await writeFile(
    f('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config1',
      '[ tsa_config1 ]',
      `serial = ${f('serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${f('tsa.crt')}`,
      `certs = ${f('ca.crt')}`,
      `signer_key = ${f('tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let seq = 0;
  const tsa: LocalTsa = {
    url: '',
    dir,
    caFile: f('ca.crt'),
    tsaCertFile: f('tsa.crt'),
    requests: 0,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400).end();
        return;
      }
      const n = ++seq;
      try {
        await writeFile(f(`q${n}.tsq`), Buffer.concat(chunks));
        await run('openssl', ['ts', '-reply', '-config', f('tsa.cnf'), '-queryfile', f(`q${n}.tsq`), '-out', f(`r${n}.tsr`)]);
        tsa.requests++;
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(await readFile(f(`r${n}.tsr`)));
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  return tsa;
}
