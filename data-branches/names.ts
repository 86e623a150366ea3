import { formatZodError } from '../config/format-zod-error.js';
import { dataBranchName, MAIN_DATA_BRANCH } from '../tasks/data-branch-name.js';
import { DataBranchInputError } from './errors.js';

export { dataBranchName, MAIN_DATA_BRANCH as MAIN };

/** A branch name from the user, `main` allowed only where `allowMain` says so. */
export function parseBranchName(value: unknown, what: string, options: { allowMain?: boolean } = {}): string {
  const parsed = dataBranchName.safeParse(value);
  if (!parsed.success) throw new DataBranchInputError(`invalid ${what}: ${formatZodError(parsed.error)}`);
  if (parsed.data === MAIN_DATA_BRANCH && !options.allowMain)
    throw new DataBranchInputError(`invalid ${what}: "main" is the main data, not a branch`);
  return parsed.data;
}
