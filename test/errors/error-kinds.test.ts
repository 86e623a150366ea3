import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { TaskNotFoundError, toActivityFailure } from '../../activities/errors.js';
import { exitCodeFor } from '../../client/exit-code.js';
import { TaskInputError } from '../../client/task-input-error.js';
import { ConfigError } from '../../config/config.js';
import { DatabaseUnavailableError } from '../../db/offline-replica.js';
import { EmbeddingProviderError } from '../../memory/errors.js';
import { ModelAuthError, ModelRateLimitError, ModelServerError } from '../../models/api/errors.js';
import { UnknownModelError } from '../../models/registry.js';
import { RepoError } from '../../workspace/repo-error.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Errors that never leave their room (caught and turned into a result there). */
const INTERNAL_ERRORS = ['SwarmError', 'BudgetRejected', 'DependencyFailed', 'ToolReportError', 'CallTimedOut'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (['node_modules', 'test', 'bench', '.git', '.swarm'].includes(name)) return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('error kinds, declared where errors are defined', () => {
  it('every error class of the project declares a kind (extends SwarmError)', () => {
    const plain = sourceFiles(ROOT).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map(
        (m) => `${path.relative(ROOT, file)}: ${m[1]}`,
      ),
    );
    expect(plain.filter((entry) => !INTERNAL_ERRORS.some((name) => entry.endsWith(`: ${name}`)))).toEqual([]);
  });

  it('the activity mapping retries transient errors only, typed by class name', () => {
    const mapped = (err: Error) => toActivityFailure(err) as ApplicationFailure;
    for (const err of [
      new TaskNotFoundError('x'),
      new RepoError('x'),
      new UnknownModelError('x'),
      new ModelAuthError('x', 'openai', 401),
    ]) {
      expect(mapped(err)).toMatchObject({ type: err.name, nonRetryable: true });
    }
    expect(mapped(new ModelServerError('x', 'openai', 503))).toMatchObject({
      type: 'ModelServerError',
      nonRetryable: false,
    });
    expect(mapped(new DatabaseUnavailableError('x'))).toMatchObject({
      type: 'DatabaseUnavailableError',
      nonRetryable: false,
    });
    expect(mapped(new ModelRateLimitError('x', 'openai', 429, 7))).toMatchObject({
      nonRetryable: false,
      nextRetryDelay: '7s',
    });
    expect(
      mapped(new EmbeddingProviderError('x', { provider: 'openai', retryable: true, retryAfterSeconds: 2.5 })),
    ).toMatchObject({
      nonRetryable: false,
      nextRetryDelay: '3s',
    });
    expect(mapped(new EmbeddingProviderError('x', { provider: 'openai', retryable: false }))).toMatchObject({
      nonRetryable: true,
    });
    const plain = new Error('unexpected');
    expect(toActivityFailure(plain)).toBe(plain);
  });

  it('the CLI exits 2 for what the user fixes (input, config), 1 otherwise', () => {
    expect([new TaskInputError('x'), new ConfigError('x'), new UnknownModelError('x')].map(exitCodeFor)).toEqual([
      2, 2, 2,
    ]);
    expect([new RepoError('x'), new ModelServerError('x', 'openai', 500), new Error('x')].map(exitCodeFor)).toEqual([
      1, 1, 1,
    ]);
  });
});
