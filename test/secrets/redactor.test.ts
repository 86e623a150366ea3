import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, secretValuesFromEnv } from '../../secrets/index.js';

const KEY = 'Zq8xN3vR-known-secret-value-77';
const redactor = createRedactor({ secrets: [KEY, 'tiny'] });
const redact = redactor.redact;

// Key-shaped strings of each family, none of them a known value.
const PATTERN_KEYS = {
  openai: 'sk-abcdefghij0123456789ABCDEFGHIJ0123456789abcd',
  openaiProject: 'sk-proj-Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdEFGH',
  anthropic: 'sk-ant-api03-AbCdEf0123456789_xyz-ABCDEFGHIJKLMNOP',
  google: 'AIzaSyA1234567890abcdefghijklmnopqrstuv',
  githubClassic: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
  githubOauth: 'gho_0123456789abcdefghijklmnopqrstuvwxyzAB',
  githubFineGrained: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  slack: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
};

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('createRedactor', () => {
  it('replaces every occurrence of a known secret, and ignores values under 8 characters', () => {
    expect(redact(`key=${KEY}; again ${KEY}.`)).toBe(`key=${REDACTED}; again ${REDACTED}.`);
    expect(redact('a tiny value')).toBe('a tiny value');
  });

  it('replaces a known secret URL-encoded, JSON-escaped and base64-encoded at any alignment', () => {
    const odd = 'p@ss w/rd "quoted" \\ 12345';
    const r = createRedactor({ secrets: [odd], keyPatterns: false });
    expect(r.redact(`https://x.test/?token=${encodeURIComponent(odd)}&a=1`)).toBe(
      `https://x.test/?token=${REDACTED}&a=1`,
    );
    expect(r.redact(JSON.stringify({ password: odd }))).toBe(`{"password":"${REDACTED}"}`);
    for (const prefix of ['', 'u:', 'us:', 'use:']) {
      const basic = Buffer.from(`${prefix}${odd}`).toString('base64');
      const out = r.redact(`Basic ${basic}`);
      expect(out).toContain(REDACTED);
      // What is left of the base64 decodes to no more than a few characters of the secret.
      const rest = out.replace(`Basic `, '').split(REDACTED).join('');
      expect(rest.length).toBeLessThanOrEqual(8);
    }
  });

  it.each(Object.entries(PATTERN_KEYS))('replaces an unknown %s key by its shape', (_name, key) => {
    expect(redact(`the key is ${key} here`)).toBe(`the key is ${REDACTED} here`);
    expect(redact(`"${key}"`)).toBe(`"${REDACTED}"`);
  });

  it('replaces a private key block whole, and the body of one cut short', () => {
    expect(redact(`before\n${PEM}\nafter`)).toBe(`before\n${REDACTED}\nafter`);
    const cut = PEM.split('\n').slice(0, 2).join('\n');
    expect(redact(`${cut}`)).toBe(REDACTED);
    expect(
      redact('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'),
    ).toBe(REDACTED);
  });

  it('keeps the authorization header name and an environment variable name, replacing only the credential', () => {
    expect(redact('curl -H "Authorization: Bearer abc.DEF-123_456~xyz" https://x')).toBe(
      `curl -H "Authorization: Bearer ${REDACTED}" https://x`,
    );
    expect(redact('authorization=Basic dXNlcjpwYXNzd29yZA==')).toBe(`authorization=Basic ${REDACTED}`);
    expect(redact('OPENAI_API_KEY=anything-at-all-1\nPATH=/usr/bin\nDB_PASSWORD="hunter2hunter2"')).toBe(
      `OPENAI_API_KEY=${REDACTED}\nPATH=/usr/bin\nDB_PASSWORD="${REDACTED}"`,
    );
  });

  it('leaves ordinary code and prose alone', () => {
    const code = [
      'const skip = 1;',
      'const task = "task-abcdefghijklmnopqrstuvwxyz0123";',
      'const risk = riskAssessment("sk-loading-indicator-wrapper-class");',
      'const API_KEY = process.env.OPENAI_API_KEY;',
      'headers: { Authorization: `Bearer ${token}` },',
      'const tokenizer = new Tokenizer({ maxTokens: 4096 });',
      'if (password.length < 8) throw new Error("too short");',
      'AKIA is the prefix of an AWS key id; eyJ starts a JWT.',
      'export GITHUB_TOKEN_FILE=',
      '-----BEGIN CERTIFICATE-----',
    ].join('\n');
    expect(redact(code)).toBe(code);
  });

  it('keeps JSON valid: redacting a serialised document equals redacting its strings', () => {
    const doc = {
      output: `printed ${KEY} and ${PATTERN_KEYS.openai}`,
      headers: { Authorization: `Bearer ${PATTERN_KEYS.jwt}` },
      pem: PEM,
      env: `GITHUB_TOKEN=${PATTERN_KEYS.githubClassic}\\`,
      nested: [{ quote: `"${KEY}"\\` }],
    };
    const redactedText = redact(JSON.stringify(doc));
    expect(() => JSON.parse(redactedText)).not.toThrow();
    expect(JSON.parse(redactedText)).toEqual(redactor.redactValue(doc));
    expect(redactedText).not.toContain(KEY);
    expect(redactedText).not.toContain('MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun');
  });

  it('redacts the strings and keys of a value, leaving numbers, booleans and null', () => {
    const value = { [KEY]: [KEY, 1, true, null, { deep: `x ${KEY}` }] };
    expect(redactor.redactValue(value)).toEqual({ [REDACTED]: [REDACTED, 1, true, null, { deep: `x ${REDACTED}` }] });
    expect(value[KEY]![0]).toBe(KEY);
  });

  it('prefers a longer secret over a shorter one it starts with, and is idempotent', () => {
    const r = createRedactor({ secrets: ['abcdefgh', 'abcdefgh-longer-secret'], keyPatterns: false });
    expect(r.redact('abcdefgh-longer-secret!')).toBe(`${REDACTED}!`);
    expect(r.redact(r.redact(`x ${PATTERN_KEYS.aws}`))).toBe(r.redact(`x ${PATTERN_KEYS.aws}`));
    expect(createRedactor({ secrets: ['redacted'] }).redact('[redacted]')).toBe('[redacted]');
  });

  it('handles many secrets and megabytes of key-like text in one pass without overflowing', () => {
    const secrets = Array.from({ length: 300 }, (_, i) => `secret-${i}-${'x'.repeat(i % 40)}-value`);
    const r = createRedactor({ secrets });
    const text = `${'lorem ipsum '.repeat(100_000)}${secrets[299]} ${'a'.repeat(3_000_000)} sk-${'b'.repeat(2_000_000)}1 ${'-----BEGIN PRIVATE KEY-----'.repeat(20_000)}`;
    const out = r.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(secrets[299]);
  });
});

describe('redactHead', () => {
  const long = `LONG-${'k'.repeat(60_000)}-SECRET`;
  const r = createRedactor({ secrets: [KEY, long] });

  it('gives the whole redaction of a text that is not much longer than asked for', () => {
    const text = `a ${KEY} b`;
    expect(r.redactHead(text, 5)).toEqual({ text: r.redact(text), whole: true });
  });

  it('redacts only a head of a huge text, and that head is exactly the start of the whole redaction', () => {
    // Redactions shrink the text (60 kB secrets become 10 characters); a secret straddles every likely cut.
    const text = `${`${long} `.repeat(50)}${'x'.repeat(3_000_000)}${KEY}${'y'.repeat(20_000)}${PATTERN_KEYS.openai}${'z'.repeat(5_000_000)}`;
    const whole = r.redact(text);
    for (const length of [10, 1_000, 3_000_000, 3_010_000]) {
      const head = r.redactHead(text, length);
      expect(head.text.length).toBeGreaterThanOrEqual(length);
      expect(head.text).toBe(whole.slice(0, head.text.length));
    }
    expect(r.redactHead(text, 10).whole).toBe(false);
  });
});

describe('secretValuesFromEnv', () => {
  it('takes values of secret-looking names with 8+ characters', () => {
    const env = {
      OPENAI_API_KEY: 'sk-value-12345',
      TURSO_AUTH_TOKEN: 'token-value-1',
      CLIENT_SECRET: 'secret-value',
      PGPASSWORD: 'pg-password',
      AWS_CREDENTIALS: 'creds-value-1',
      GITHUB_TOKEN: 'short',
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/home/someone',
      UNSET: undefined,
    };
    expect(secretValuesFromEnv(env).sort()).toEqual([
      'creds-value-1',
      'pg-password',
      'secret-value',
      'sk-value-12345',
      'token-value-1',
    ]);
  });

  it('takes the password inside a URL of any variable, e.g. a proxy passed to a CLI', () => {
    const env = {
      ALL_PROXY: 'socks5://agent:pr0xy-pa%24%24word@proxy.internal:1080',
      HTTPS_PROXY: 'http://user:short@proxy:3128',
      ANTHROPIC_BASE_URL: 'https://gateway.example.com/v1',
    };
    expect(secretValuesFromEnv(env).sort()).toEqual(['pr0xy-pa$$word', 'pr0xy-pa%24%24word']);
  });
});
