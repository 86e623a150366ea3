/**
 * Shapes of credentials worth redacting even when their value is not known: provider API keys,
 * tokens, private keys and authorization headers. Each source is one alternative of the redactor's
 * combined regular expression, so none may use capture groups except the named kept prefixes.
 *
 * Rules that keep the scan fast, linear and JSON-safe:
 * - each pattern begins with a literal character, so the engine skips most positions at once; the
 *   check that a token starts there (not in the middle of a word) comes right after that character;
 * - every repetition is bounded: V8 keeps one backtrack entry per repeated step, and an unbounded
 *   run over megabytes of `aaaa…` overflows its stack;
 * - no pattern matches a `"` or ends inside a `\` escape, so redacting a JSON text keeps it valid.
 */

/**
 * No pattern matches more UTF-16 units than this (the longest is a private key block: 16,384 body
 * steps of up to two units each, plus its BEGIN and END lines). The redactor relies on it to redact
 * only the head of a huge text.
 */
export const MAX_PATTERN_MATCH = 40_000;

/** Named groups whose text is kept: the header or the `=`, only the credential after it goes. */
export const KEPT_PREFIX_GROUPS = ['authPrefix', 'envPrefix'] as const;

/** `first` not preceded by a token character: the start of a token, not the middle of a word. */
const tokenStart = (first: string, tokenChars = 'A-Za-z0-9_-') => `${first}(?<![${tokenChars}]${first})`;

export const KEY_PATTERNS: ReadonlyArray<{ name: string; source: string }> = [
  {
    // PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK). The body runs to the END line;
    // cut short (a truncated output), whatever base64 follows the BEGIN line goes.
    name: 'private key block',
    source: String.raw`-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.]|\\[nrt\\/]|-(?!----)){0,16384}(?:-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----)?`,
  },
  {
    // Anthropic (sk-ant-...), OpenAI (sk-..., sk-proj-..., sk-svcacct-...): 20+ characters with a digit.
    name: 'sk- API key',
    source: String.raw`${tokenStart('s')}k-(?=[A-Za-z_-]{0,64}[0-9])[A-Za-z0-9_-]{20,512}`,
  },
  { name: 'Google API key', source: String.raw`${tokenStart('A')}Iza[0-9A-Za-z_-]{30,128}` },
  {
    name: 'GitHub token',
    source: String.raw`${tokenStart('g')}(?:h[pousr]_[A-Za-z0-9]{30,255}|ithub_pat_[A-Za-z0-9_]{30,255})`,
  },
  {
    name: 'AWS access key id',
    source: String.raw`${tokenStart('A', 'A-Za-z0-9')}(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])`,
  },
  { name: 'Slack token', source: String.raw`${tokenStart('x')}ox[bpars]-[A-Za-z0-9-]{10,255}` },
  {
    name: 'JSON web token',
    source: String.raw`${tokenStart('e')}yJ[A-Za-z0-9_-]{8,8192}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,8192}`,
  },
  {
    // Authorization: Bearer <x> (also Basic/Token, quoted or JSON-escaped as in "Authorization": "Bearer x").
    name: 'authorization header',
    source: String.raw`(?<authPrefix>${tokenStart('[Aa]', 'A-Za-z0-9_')}uthorization(?:\\?["'])?[ \t]{0,8}[:=][ \t]{0,8}(?:\\?["'])?[ \t]{0,8}(?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]{1,8})[A-Za-z0-9._~+/=-]{8,8192}`,
  },
  {
    // NAME=value of an environment dump (`env`, `printenv`, `.env` files) for a secret-looking NAME.
    // The match starts at the `=`: the name is checked behind it, so only `=` signs cost anything.
    name: 'secret environment assignment',
    source: String.raw`(?<envPrefix>=(?<=(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]{0,60}(?:KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)[A-Z0-9_]{0,30}=)(?:\\?["'])?)[^\s"'\\]{8,512}`,
  },
];
