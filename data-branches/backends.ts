import type { SwarmConfig } from '../config/config.js';
import type { DataBranchBackend } from './backend.js';
import { DataBranchConfigError } from './errors.js';
import { fileBackend } from './file-backend.js';
import { sqldBackend } from './sqld-backend.js';
import { tursoBackend } from './turso-backend.js';

/** The configured backend (config.dataBranches), or a ConfigError saying why there is none. */
export function dataBranchBackend(config: Pick<SwarmConfig, 'database' | 'dataBranches'>): DataBranchBackend {
  const { database, dataBranches } = config;
  switch (dataBranches.backend) {
    case 'file':
      if (database.mode !== 'local') throw new DataBranchConfigError('file data branches need database mode local');
      return fileBackend(database.path);
    case 'sqld':
      if (database.mode === 'local')
        throw new DataBranchConfigError('sqld data branches need database mode remote or replica');
      return sqldBackend({
        adminUrl: dataBranches.adminUrl,
        database: database.mode === 'remote' ? database : { url: database.syncUrl, authToken: database.authToken },
      });
    case 'turso':
      return tursoBackend(dataBranches);
    case 'none':
      throw new DataBranchConfigError(dataBranches.reason);
  }
}
