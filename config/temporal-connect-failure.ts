import { isIP } from 'node:net';
import tls from 'node:tls';
import { parseHostPort } from './bounds.js';
import { describeTemporal, isPlainLocal, type TemporalConnectionSettings } from './temporal-settings.js';
import { TemporalTlsError, TemporalUnavailableError } from '../errors/temporal-errors.js';

/** The HTTP/2 client preface and an empty SETTINGS frame: a server that accepted our certificate answers it. */
const H2_HELLO = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);
const PROBE_TIMEOUT_MS = 3_000;

const SERVER_NOT_TRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REJECTED',
]);

/** What a failed handshake means, in words; null when the error is not about TLS (the host is unreachable). */
function tlsProblem(err: NodeJS.ErrnoException): string | null {
  const code = err.code ?? '';
  if (SERVER_NOT_TRUSTED.has(code))
    return `the server's certificate is not trusted (wrong or missing server CA: TEMPORAL_TLS_SERVER_CA_CERT_PATH / tls.server_ca_cert_path): ${err.message}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the server's certificate is not for this name (TEMPORAL_TLS_SERVER_NAME / tls.server_name): ${err.message}`;
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER_FAILURE/.test(code))
    return `the server does not speak TLS there (${code}); unset TEMPORAL_TLS or disable tls in the profile if it is a plain server`;
  if (
    /ALERT_(CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|ACCESS_DENIED)/.test(
      code,
    )
  )
    return `the server refused the client certificate (missing, or not signed by a CA it trusts: TEMPORAL_TLS_CLIENT_CERT_PATH/_KEY_PATH, tls.client_cert_path/client_key_path) (${code})`;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `${code}: ${err.message}`;
  return null;
}

/**
 * Tries the TLS handshake the connection would make (same CA, client pair, server name, ALPN h2) and
 * says why it fails, if it does. gRPC's own error often only says it timed out, which hides a
 * certificate refused at the handshake.
 */
export function probeTls(settings: TemporalConnectionSettings): Promise<string | null> {
  const target = parseHostPort(settings.address);
  if (settings.tls === false || target === null) return Promise.resolve(null);
  const options = settings.tls === true ? {} : settings.tls;
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ...(options.serverRootCACertificate ? { ca: Buffer.from(options.serverRootCACertificate) } : {}),
      ...(options.clientCertPair
        ? { cert: Buffer.from(options.clientCertPair.crt), key: Buffer.from(options.clientCertPair.key) }
        : {}),
      servername: options.serverNameOverride ?? (isIP(target.host) ? undefined : target.host),
      ...(options.serverNameOverride
        ? {
            checkServerIdentity: (_host: string, cert: tls.PeerCertificate) =>
              tls.checkServerIdentity(options.serverNameOverride!, cert),
          }
        : {}),
      ALPNProtocols: ['h2'],
    });
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(null));
    socket.once('secureConnect', () => socket.write(H2_HELLO));
    socket.once('data', () => done(null));
    socket.once('error', (err) => done(tlsProblem(err)));
    socket.once('close', () => done(null));
  });
}

/**
 * The error a failed connect to Temporal becomes: a TemporalTlsError naming the address and the
 * TLS problem, or a TemporalUnavailableError naming the address (and how to start a local one).
 */
export async function explainConnectFailure(settings: TemporalConnectionSettings, err: unknown): Promise<Error> {
  const detail = err instanceof Error ? err.message : String(err);
  const problem = await probeTls(settings).catch(() => null);
  if (problem)
    return new TemporalTlsError(
      `TLS/certificate problem connecting to Temporal at ${describeTemporal(settings)}: ${problem}`,
      { cause: err },
    );
  const hint = isPlainLocal(settings) ? ' (start it with "swarm start")' : '';
  return new TemporalUnavailableError(`cannot reach Temporal at ${describeTemporal(settings)}${hint}: ${detail}`, {
    cause: err,
  });
}
