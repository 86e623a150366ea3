import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../secrets/index.js';
import { redactingActivityInterceptor } from '../../workers/redacting-interceptor.js';

const TOKEN = 'worker-token-0123456789';
const interceptor = redactingActivityInterceptor(createRedactor({ secrets: [TOKEN] }))({} as never);
const execute = (activity: () => Promise<unknown>) =>
  interceptor.inbound!.execute!({ args: [], headers: {} }, () => activity());

describe('redactingActivityInterceptor', () => {
  it('redacts every string an activity returns', async () => {
    const result = await execute(async () => ({
      summary: `done with ${TOKEN}`,
      ids: ['a/1/feedback'],
      count: 2,
      ok: true,
    }));
    expect(result).toEqual({ summary: 'done with [redacted]', ids: ['a/1/feedback'], count: 2, ok: true });
  });

  it('redacts the message and stack of what an activity throws, and of its causes, keeping the failure type', async () => {
    const cause = new Error(`npm ci printed ${TOKEN}`);
    const failure = ApplicationFailure.create({
      message: `install failed: ${TOKEN}`,
      type: 'RepoError',
      nonRetryable: true,
      cause,
    });
    const thrown = await execute(async () => {
      throw failure;
    }).catch((e: unknown) => e);
    expect(thrown).toBe(failure);
    expect(failure.message).toBe('install failed: [redacted]');
    expect(failure.type).toBe('RepoError');
    expect(failure.nonRetryable).toBe(true);
    expect(cause.message).toBe('npm ci printed [redacted]');
    expect(`${failure.stack}\n${cause.stack}`).not.toContain(TOKEN);
  });
});
