import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';

export interface TestCertificates {
  /** The CA that signed the server and client certificates. */
  caCert: string;
  /** Another CA, which signed nothing here: a client trusting it must refuse the server. */
  otherCaCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** One EC P-256 key and a certificate signed by `ca` (or self-signed as a CA when `ca` is null), as PEM files. */
async function issue(dir: string, name: string, subject: string, extensions: string, ca: string | null) {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, `[v3]\n${extensions}\n`);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key];
  if (ca === null) {
    await run(OPENSSL, [
      'req',
      '-x509',
      ...newKey,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      subject,
      '-extensions',
      'v3',
      '-config',
      ext,
    ]);
  } else {
    const csr = path.join(dir, `${name}.csr`);
    await run(OPENSSL, ['req', '-new', ...newKey, '-out', csr, '-subj', subject, '-config', ext]);
    await run(OPENSSL, [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '2',
      '-extfile',
      ext,
      '-extensions',
      'v3',
    ]);
  }
  return { key, cert };
}

const CA_EXTENSIONS =
  'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash';
const leaf = (usage: string, san?: string) =>
  [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${usage}`,
    'authorityKeyIdentifier=keyid',
    ...(san ? [`subjectAltName=${san}`] : []),
  ].join('\n');

/** A CA, a server certificate for localhost/127.0.0.1, a client certificate, and an unrelated CA, made by openssl in `dir`. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const [ca, otherCa] = await Promise.all([
    issue(dir, 'ca', '/CN=jetpack test CA', CA_EXTENSIONS, null),
    issue(dir, 'other-ca', '/CN=jetpack unrelated CA', CA_EXTENSIONS, null),
  ]);
  const ca0 = path.join(dir, 'ca');
  const server = await issue(dir, 'server', '/CN=localhost', leaf('serverAuth', 'DNS:localhost,IP:127.0.0.1'), ca0);
  const client = await issue(dir, 'client', '/CN=jetpack worker', leaf('clientAuth'), ca0);
  return {
    caCert: ca.cert,
    otherCaCert: otherCa.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
  };
}

/**
 * A TLS front for a plaintext Temporal server, as a secured cluster's frontend would be: it requires a
 * client certificate signed by the CA (mTLS), speaks h2 by ALPN, and passes the bytes through.
 */
export async function startTlsProxy(certs: TestCertificates, target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const refused: string[] = [];
  let accepted = 0;
  const server = tls.createServer(
    {
      key: readFileSync(certs.serverKey),
      cert: readFileSync(certs.serverCert),
      ca: readFileSync(certs.caCert),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      accepted++;
      const upstream = net.connect(port, host);
      sockets.add(socket).add(upstream);
      const close = () => {
        socket.destroy();
        upstream.destroy();
        sockets.delete(socket);
        sockets.delete(upstream);
      };
      socket.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      socket.pipe(upstream).pipe(socket);
    },
  );
  server.on('tlsClientError', (err) => refused.push(err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    address,
    /** The handshakes it refused, by their error messages. */
    refused,
    /** How many mTLS connections it has passed through. */
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
