import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../../models/api/retry-after.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('retryAfterSeconds', () => {
  it.each([
    [{ 'retry-after': '30' }, 30],
    [{ 'retry-after': '1.2' }, 2],
    [{ 'retry-after': 'Sun, 01 Jun 2025 12:01:30 GMT' }, 90],
    [{ 'retry-after': 'Sun, 01 Jun 2025 11:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '2500', 'retry-after': '9' }, 3],
    [{ 'x-ratelimit-reset-requests': '20ms' }, 1],
    [{ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '1h2m3.5s' }, 3_724],
    [
      {
        'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:10Z',
        'anthropic-ratelimit-tokens-reset': '2025-06-01T12:00:40Z',
      },
      40,
    ],
  ])('reads %j as %i s', (headers, expected) => {
    expect(retryAfterSeconds(headers, undefined, NOW)).toBe(expected);
  });

  it('reads the RetryInfo delay of a Gemini error body', () => {
    const body = JSON.stringify({
      error: {
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12.5s' },
        ],
      },
    });
    expect(retryAfterSeconds({}, body, NOW)).toBe(13);
  });

  it.each([
    [{}, undefined],
    [{ 'retry-after': 'soon' }, 'not json'],
    [{ 'x-ratelimit-reset-requests': 'tomorrow' }, '{"error":{"details":"none"}}'],
  ])('gives no hint for %j', (headers, body) => {
    expect(retryAfterSeconds(headers, body, NOW)).toBeUndefined();
  });
});
