import { sql } from 'kysely';
import { ADMIN_USER_ID } from '../domain/portal.js';
import type { Gateway } from '../http/gateway.js';
import { credentialsChanged } from '../store/credentials-version.js';
import type { ConsoleObserver } from './console-observer.js';

/**
 * What survives a reset: the portal, the administrator, the administrator's bootstrap webhook (title
 * 'admin', the one `bootstrapPortal` finds again) and the administrator's web sign-in (so the console
 * that pressed Reset stays signed in). Every other row of every table goes, whatever migration added it.
 */
const KEEP: Record<string, string> = {
  portal: '1 = 1',
  users: `id = ${ADMIN_USER_ID}`,
  webhooks: `user_id = ${ADMIN_USER_ID} AND title = 'admin'`,
  web_sessions: `user_id = ${ADMIN_USER_ID}`,
  login_links: `user_id = ${ADMIN_USER_ID}`,
};

export interface ResetOutcome {
  tables: number;
  ms: number;
}

/**
 * Back to an empty portal in one transaction (table list read from the schema, id sequences restarted,
 * so the next user is 2 again), then the in-memory state that mirrors the rows: credential caches,
 * rate and operating-time buckets, the inspector ring and pending faults.
 */
export async function resetPortal(gw: Gateway, console?: ConsoleObserver): Promise<ResetOutcome> {
  const t0 = performance.now();
  const db = gw.platform.store.db;
  const tables = await db.transaction().execute(async (tx) => {
    // Rows reference each other (chat members → chats → users); the checks hold again at commit.
    await sql`PRAGMA defer_foreign_keys = ON`.execute(tx);
    const rows = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`.execute(tx);
    const names = rows.rows.map((r) => r.name);
    for (const name of names) {
      const keep = KEEP[name];
      await sql.raw(`DELETE FROM "${name}"${keep ? ` WHERE NOT (${keep})` : ''}`).execute(tx);
    }
    const hasSequence = await sql`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`.execute(tx);
    if (hasSequence.rows.length) {
      for (const name of names) {
        if (KEEP[name]) await sql.raw(`UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX(rowid), 0) FROM "${name}") WHERE name = '${name}'`).execute(tx);
      }
      const kept = Object.keys(KEEP).map((n) => `'${n}'`).join(', ');
      await sql.raw(`DELETE FROM sqlite_sequence WHERE name NOT IN (${kept})`).execute(tx);
    }
    return names.length;
  });
  credentialsChanged();
  gw.rateLimiter?.reset();
  gw.operating.reset();
  console?.inspector.clear();
  console?.faults.clear();
  return { tables, ms: Math.round((performance.now() - t0) * 100) / 100 };
}
