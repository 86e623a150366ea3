/**
 * How long a rate-limited caller should wait, from the response's headers (and, for Gemini, its
 * body). Whole seconds, rounded up; undefined when the provider gave no hint.
 */
export function retryAfterSeconds(
  headers: Record<string, string | undefined>,
  body: string | undefined,
  now = Date.now(),
): number | undefined {
  const header = (name: string) => headers[name] ?? headers[name.toLowerCase()];
  const seconds =
    fromMilliseconds(header('retry-after-ms')) ??
    fromRetryAfter(header('retry-after'), now) ??
    latest([header('x-ratelimit-reset-requests'), header('x-ratelimit-reset-tokens')].map(fromGoDuration)) ??
    latest(
      ['requests', 'tokens', 'input-tokens', 'output-tokens'].map((kind) =>
        fromTimestamp(header(`anthropic-ratelimit-${kind}-reset`), now),
      ),
    ) ??
    fromGoogleRetryInfo(body);
  return seconds === undefined ? undefined : Math.max(0, Math.ceil(seconds));
}

function fromMilliseconds(value: string | undefined): number | undefined {
  const ms = value === undefined ? NaN : Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1_000 : undefined;
}

/** RFC 9110: either delay-seconds or an HTTP-date. */
function fromRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return fromTimestamp(value, now);
}

function fromTimestamp(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1_000);
}

const GO_DURATION_UNITS: Record<string, number> = { h: 3_600, m: 60, s: 1, ms: 0.001 };

/** OpenAI's x-ratelimit-reset-* headers: Go durations such as "1s", "6m0s", "20ms", "1h2m3.5s". */
function fromGoDuration(value: string | undefined): number | undefined {
  if (value === undefined || !/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(value.trim())) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of value.trim().matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g))
    seconds += Number(amount) * GO_DURATION_UNITS[unit!]!;
  return seconds;
}

/** Gemini puts a google.rpc.RetryInfo with `retryDelay: "30s"` in the error body. */
function fromGoogleRetryInfo(body: string | undefined): number | undefined {
  if (!body) return undefined;
  try {
    const details = (JSON.parse(body) as { error?: { details?: unknown } }).error?.details;
    if (!Array.isArray(details)) return undefined;
    for (const detail of details as Array<Record<string, unknown>>) {
      const delay = detail.retryDelay;
      if (
        typeof detail['@type'] === 'string' &&
        detail['@type'].endsWith('google.rpc.RetryInfo') &&
        typeof delay === 'string'
      ) {
        const match = /^(\d+(?:\.\d+)?)s$/.exec(delay);
        if (match) return Number(match[1]);
      }
    }
  } catch {
    // not JSON: no hint
  }
  return undefined;
}

const latest = (values: Array<number | undefined>): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
};
