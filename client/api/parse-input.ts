import type { z } from 'zod';
import { formatZodError } from '../../config/format-zod-error.js';
import { SwarmApiInputError } from './errors.js';

/** The API's one input gate: a value checked against its schema, or a SwarmApiInputError naming each problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SwarmApiInputError(`invalid ${what}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
