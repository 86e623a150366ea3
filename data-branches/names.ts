import { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { DataBranchInputError } from './errors.js';

/** The main data: every branch descends from it, and it is every merge's default target. */
export const MAIN = 'main';

/** A name every backend accepts: an sqld namespace, a Turso database name suffix, a file name. */
export const dataBranchName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'a data branch name is 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit',
  );

/** A branch name from the user, `main` allowed only where `allowMain` says so. */
export function parseBranchName(value: unknown, what: string, options: { allowMain?: boolean } = {}): string {
  const parsed = dataBranchName.safeParse(value);
  if (!parsed.success) throw new DataBranchInputError(`invalid ${what}: ${formatZodError(parsed.error)}`);
  if (parsed.data === MAIN && !options.allowMain)
    throw new DataBranchInputError(`invalid ${what}: "main" is the main data, not a branch`);
  return parsed.data;
}
