import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.js';
import * as m002 from './002_messenger.js';
import * as m003 from './003_bot_tokens.js';
import * as m004 from './004_member_start.js';
import * as m005 from './005_chat_apps.js';
import * as m006 from './006_reactions_reads.js';
import * as m008 from './008_files.js';
import * as m009 from './009_event_feed.js';
import * as m010 from './010_web_sessions.js';
import * as m011 from './011_bot_counters.js';
import * as m012 from './012_chat_stats.js';
import * as m013 from './013_template_index.js';

// Migrations are listed in code (not read from a folder) so that the compiled package and
// the test runner see the same set, whatever the working directory.
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_messenger': m002,
  '003_bot_tokens': m003,
  '004_member_start': m004,
  '005_chat_apps': m005,
  '006_reactions_reads': m006,
  '008_files': m008,
  '009_event_feed': m009,
  '010_web_sessions': m010,
  '011_bot_counters': m011,
  '012_chat_stats': m012,
  '013_template_index': m013,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
