import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.js';

// Migrations are listed in code (not read from a folder) so that the compiled package and
// the test runner see the same set, whatever the working directory.
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
