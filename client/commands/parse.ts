import { InvalidArgumentError } from 'commander';
import { TASK_ID_PATTERN } from '../../tasks/task.js';

/** Option value parsers shared by the commands. Each refuses what it cannot represent exactly. */
export const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const positiveNumber = (name: string) => (value: string) => {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
  return n;
};

export const positiveInt = (name: string) => (value: string) => {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(
      `${name} must be a positive whole number up to ${Number.MAX_SAFE_INTEGER}, got "${value}"`,
    );
  return n;
};

export const intBetween = (name: string, min: number, max: number) => (value: string) => {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
};

export const numberBetween = (name: string, min: number, max: number) => (value: string) => {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
};

export const taskId = (value: string) => {
  if (!TASK_ID_PATTERN.test(value))
    throw new InvalidArgumentError(
      `"${value}" is not a task id (lowercase letters and digits, as "swarm task list" shows)`,
    );
  return value;
};
