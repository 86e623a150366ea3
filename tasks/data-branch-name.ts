import { z } from 'zod';

/** The main data: every data branch descends from it, and it is every merge's default target. */
export const MAIN_DATA_BRANCH = 'main';

/** A data branch's name, one every backend accepts: an sqld namespace, a Turso database name suffix, a file name. */
export const dataBranchName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'a data branch name is 1 to 40 lowercase letters, digits and dashes, starting with a letter or digit',
  );
