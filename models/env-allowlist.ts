import { createRedactor, secretValuesFromEnv, type Redactor } from '../secrets/index.js';

/**
 * Environment variables a child process (a coding-agent CLI or a command the agent runs) may see.
 * Anything not named here, such as database tokens or other providers' keys, stays in the worker.
 */
export const BASE_ENV_ALLOWLIST = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TMPDIR',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'NODE_EXTRA_CA_CERTS',
] as const;

export { allowlistedEnv } from '../process/sandbox-env.js';

/** The values of variables whose names look like secrets, for redaction (secrets/env-secrets.ts). */
export const secretValues = (env: Record<string, string>): string[] => secretValuesFromEnv(env);

/** One redactor per list of secrets: a transcript redacts each entry with the same list. */
const redactors = new WeakMap<readonly string[], Redactor>();

/** Replaces each secret (8+ characters, and its encoded forms) and every key-shaped string with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let redactor = redactors.get(secrets);
  if (!redactor) redactors.set(secrets, (redactor = createRedactor({ secrets })));
  return redactor.redact(text);
}
