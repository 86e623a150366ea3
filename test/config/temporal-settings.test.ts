import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.js';
import { isPlainLocal, temporalConnectionOptions } from '../../config/temporal-settings.js';
import { processSecrets } from '../../workers/swarm-store.js';
import { tempDir } from '../helpers/test-env.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/tls-proxy.js';

describe('Temporal connection settings (envconfig profile, TEMPORAL_* variables, swarm config file)', () => {
  const dir = tempDir('temporal-settings');
  let certs: TestCertificates;
  const toml = path.join(dir, 'temporal.toml');
  const swarmConfig = path.join(dir, 'swarm.json');

  beforeAll(async () => {
    certs = await makeTestCertificates(dir);
    writeFileSync(swarmConfig, JSON.stringify({ temporal: { address: 'filehost:7000', namespace: 'file-ns' } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const writeToml = (text: string) => writeFileSync(toml, text);
  const load = (env: Record<string, string>) => loadConfig(env, dir);
  const failure = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('keeps the embedded default with nothing configured: a plain local dev server', () => {
    const { temporal } = load({});
    expect(temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', tls: false, secured: false });
    expect(temporal.profile).toBeNull();
    expect(isPlainLocal(temporal)).toBe(true);
    expect(temporalConnectionOptions(temporal)).toEqual({ address: 'localhost:7233', tls: false });
  });

  it('takes each field from TEMPORAL_* first, then the profile, then the swarm config file', () => {
    writeToml('[profile.p]\naddress = "profilehost:7100"\nnamespace = "profile-ns"\n');
    const withFile = { SWARM_CONFIG: swarmConfig };
    expect(load(withFile).temporal).toMatchObject({ address: 'filehost:7000', namespace: 'file-ns' });
    const withProfile = { ...withFile, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'p' };
    expect(load(withProfile).temporal).toMatchObject({
      address: 'profilehost:7100',
      namespace: 'profile-ns',
      profile: { name: 'p', file: toml },
    });
    expect(load({ ...withProfile, TEMPORAL_ADDRESS: 'envhost:7200' }).temporal).toMatchObject({
      address: 'envhost:7200',
      namespace: 'profile-ns',
    });
    // A profile without a namespace leaves the file's.
    writeToml('[profile.p]\naddress = "profilehost:7100"\n');
    expect(load(withProfile).temporal).toMatchObject({ address: 'profilehost:7100', namespace: 'file-ns' });
  });

  it('uses the file\'s "default" profile when no TEMPORAL_PROFILE is set, as the Temporal CLI does', () => {
    writeToml('[profile.default]\naddress = "defaulthost:7300"\n');
    expect(load({ TEMPORAL_CONFIG_FILE: toml }).temporal).toMatchObject({
      address: 'defaulthost:7300',
      profile: { name: 'default' },
    });
  });

  it('loads mTLS files and the server name, from a profile or from TEMPORAL_TLS_* variables', () => {
    writeToml(
      [
        '[profile.mtls]',
        'address = "temporal.example:7233"',
        '[profile.mtls.tls]',
        `server_ca_cert_path = ${JSON.stringify(certs.caCert)}`,
        `client_cert_path = ${JSON.stringify(certs.clientCert)}`,
        `client_key_path = ${JSON.stringify(certs.clientKey)}`,
        'server_name = "frontend.internal"',
      ].join('\n'),
    );
    const expected = {
      serverNameOverride: 'frontend.internal',
      serverRootCACertificate: new Uint8Array(readFileSync(certs.caCert)),
      clientCertPair: {
        crt: new Uint8Array(readFileSync(certs.clientCert)),
        key: new Uint8Array(readFileSync(certs.clientKey)),
      },
    };
    const fromProfile = load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'mtls' }).temporal;
    expect(fromProfile.secured).toBe(true);
    expect(temporalConnectionOptions(fromProfile).tls).toEqual(expected);

    const fromEnv = load({
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
    }).temporal;
    expect(temporalConnectionOptions(fromEnv).tls).toEqual(expected);
    expect(fromEnv.profile).toBeNull();
  });

  it('passes TEMPORAL_API_KEY to the connection with TLS on (as Temporal Cloud needs), and treats it as a secret', () => {
    const apiKey = 'tmprl-test-api-key-0123456789';
    const config = load({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: apiKey,
    });
    expect(temporalConnectionOptions(config.temporal)).toEqual({
      address: 'us-east-1.aws.api.temporal.io:7233',
      tls: true,
      apiKey,
    });
    expect(config.temporal.namespace).toBe('ns.acct');
    // Even at a local address, an API key means a secured server: swarm start must not replace it.
    const local = load({ TEMPORAL_API_KEY: apiKey });
    expect(local.temporal.secured).toBe(true);
    expect(isPlainLocal(local.temporal)).toBe(false);
    // From a profile (no variable whose name says KEY), the store's redactor still knows it.
    writeToml(`[profile.cloud]\naddress = "ns.acct.tmprl.cloud:7233"\napi_key = "${apiKey}"\n`);
    const fromProfile = load({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
    expect(temporalConnectionOptions(fromProfile.temporal)).toMatchObject({ apiKey, tls: true });
    expect(processSecrets(fromProfile, {})).toContain(apiKey);
  });

  it('lets TEMPORAL_TLS=false turn TLS off explicitly even with an API key', () => {
    const config = load({ TEMPORAL_API_KEY: 'tmprl-test-api-key-0123456789', TEMPORAL_TLS: 'false' });
    expect(config.temporal.tls).toBe(false);
  });

  it('passes gRPC metadata from TEMPORAL_GRPC_META_* variables', () => {
    const config = load({ TEMPORAL_GRPC_META_X_TENANT: 'blue' });
    expect(temporalConnectionOptions(config.temporal).metadata).toEqual({ 'x-tenant': 'blue' });
  });

  describe('bad input is a ConfigError naming what to fix', () => {
    it('a TEMPORAL_CONFIG_FILE that does not exist', () => {
      expect(failure({ TEMPORAL_CONFIG_FILE: path.join(dir, 'absent.toml') })).toMatch(
        /TEMPORAL_CONFIG_FILE points to .*absent\.toml, which does not exist/,
      );
    });

    it('a malformed TOML file, naming the file', () => {
      writeToml('[profile.broken\naddress = ');
      expect(failure({ TEMPORAL_CONFIG_FILE: toml })).toMatch(
        new RegExp(`TEMPORAL_CONFIG_FILE ${toml} is not a valid TOML profile file: .+`),
      );
    });

    it('an unknown profile, listing the ones there are', () => {
      writeToml('[profile.staging]\naddress = "a:1"\n[profile.prod]\naddress = "b:2"\n');
      expect(failure({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prdo' })).toBe(
        `TEMPORAL_PROFILE "prdo" is not a profile of TEMPORAL_CONFIG_FILE ${toml} (profiles there: staging, prod)`,
      );
    });

    it('a profile naming a TLS file that does not exist, naming the key, profile and file', () => {
      writeToml(`[profile.p]\naddress = "a:1"\n[profile.p.tls]\nserver_ca_cert_path = "${dir}/missing-ca.pem"\n`);
      expect(failure({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'p' })).toBe(
        `tls.server_ca_cert_path/_data of Temporal profile "p" in ${toml} names ${dir}/missing-ca.pem, which does not exist`,
      );
    });

    it('a TLS file that is not PEM, naming the variable and the file', () => {
      const notPem = path.join(dir, 'not-a-cert.pem');
      writeFileSync(notPem, 'hello\n');
      expect(failure({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: notPem })).toMatch(
        new RegExp(`^TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA \\(${notPem}\\) is not a PEM certificate: `),
      );
      // A certificate where the key should be.
      expect(
        failure({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientCert }),
      ).toMatch(/^TEMPORAL_TLS_CLIENT_KEY_PATH\/_DATA \(.*client\.pem\) is not a PEM private key: /);
    });

    it('a client certificate without its key', () => {
      expect(failure({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert })).toMatch(
        /client certificate but no client key/,
      );
    });

    it('a profile address without a port, naming the profile', () => {
      writeToml('[profile.p]\naddress = "temporal.example"\n');
      expect(failure({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'p' })).toBe(
        `temporal.address: address of Temporal profile "p" in ${toml} must be host:port or [ipv6]:port with a port from 1 to 65535, got "temporal.example"`,
      );
    });
  });
});
