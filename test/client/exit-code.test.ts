import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { exitCodeFor } from '../../client/exit-code.js';
import { TaskInputError } from '../../client/swarm-client.js';
import { EmbeddingDimensionMismatchError, EmbeddingProviderError, MemoryInputError } from '../../memory/errors.js';

describe('exitCodeFor', () => {
  it('is 2 for input and configuration errors', () => {
    for (const err of [
      new TaskInputError('x'),
      new ConfigError('x'),
      new MemoryInputError('x'),
      new EmbeddingDimensionMismatchError('x'),
    ]) {
      expect(exitCodeFor(err), err.name).toBe(2);
    }
  });

  it('is 0 when commander only showed help, 2 for its usage errors', () => {
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe(2);
  });

  it('is 1 for anything else', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor(new EmbeddingProviderError('down', { provider: 'openai', retryable: true }))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
  });
});
