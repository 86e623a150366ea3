/**
 * Environment variables a child process (a coding-agent CLI or a command the agent runs) may see.
 * Anything not named here, such as database tokens or other providers' keys, stays in the worker.
 */
export const BASE_ENV_ALLOWLIST = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TMPDIR', 'TZ',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS',
] as const;

/** Copies only the named variables that are set. */
export function allowlistedEnv(source: Record<string, string | undefined>, names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of new Set(names)) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;
/** Shorter values are too likely to occur by chance to be worth redacting. */
const MIN_SECRET_LENGTH = 8;

/** The values of variables whose names look like secrets, for redaction. */
export function secretValues(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value);
}

/** Replaces every occurrence of each secret with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret) result = result.split(secret).join('[redacted]');
  return result;
}
