import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../config/config.js';
import type { BranchLocation, DataBranchBackend } from './backend.js';

const SQLITE_SIDE_FILES = ['', '-wal', '-shm', '-journal'];

const removeDatabaseFile = (file: string) => {
  for (const suffix of SQLITE_SIDE_FILES) rmSync(file + suffix, { force: true });
};

/**
 * Branches of a local database file: `VACUUM INTO` writes a consistent copy of the parent as of one
 * read transaction (writers may go on meanwhile; WAL keeps their frames out of the copy), into
 * `data-branches/<name>.db` beside the main file.
 */
export function fileBackend(mainPath: string): DataBranchBackend {
  const dir = path.join(path.dirname(mainPath), 'data-branches');
  return {
    kind: 'file',
    locationFor: (name) => ({ path: path.join(dir, `${name}.db`) }),
    async create(location, _from, source) {
      mkdirSync(dir, { recursive: true });
      removeDatabaseFile(location.path!);
      await source.execute({ sql: 'VACUUM INTO ?', args: [location.path!] });
    },
    async databaseConfig(location: BranchLocation): Promise<DatabaseConfig> {
      return { mode: 'local', path: location.path! };
    },
    async delete(location) {
      if (existsSync(location.path!)) removeDatabaseFile(location.path!);
    },
  };
}
