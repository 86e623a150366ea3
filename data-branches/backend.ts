import type { DatabaseConfig } from '../config/config.js';
import type { Db } from '../db/client.js';

/** Where one branch's database is, as the backend that made it names it; stored as JSON in `data_branches`. */
export type BranchLocation = Record<string, string>;

/** One way of making data branches: the three backends (file, sqld, turso) behind one interface. */
export interface DataBranchBackend {
  readonly kind: 'file' | 'sqld' | 'turso';
  /** Where branch `name`'s database goes; decided before it is made, so a half-made one can be found and removed. */
  locationFor(name: string): BranchLocation;
  /**
   * Makes the branch's database at `location`: a consistent copy of the parent (`from`, null for
   * the main data, open as `source`) as it is now. Anything left at `location` by an earlier failed
   * attempt is replaced.
   */
  create(location: BranchLocation, from: BranchLocation | null, source: Db): Promise<void>;
  /** How to open the branch's database (db/client.ts). */
  databaseConfig(location: BranchLocation): Promise<DatabaseConfig>;
  /** Removes the branch's database; removing one already gone is not an error. */
  delete(location: BranchLocation): Promise<void>;
}
