import type { Insertable, Selectable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { LoginLinkTable, WebSessionTable } from '../schema.js';

export type WebSessionRow = Selectable<WebSessionTable>;
export type LoginLinkRow = Selectable<LoginLinkTable>;

const byHashQ = compiled((db, hash: string) => db.selectFrom('web_sessions').selectAll().where('token_hash', '=', hash));

/** Browser sessions and one-time sign-in links of the web messenger. */
export class WebSessionRepo {
  constructor(private readonly db: Db) {}

  byHash(tokenHash: string): Promise<WebSessionRow | undefined> {
    return byHashQ.first(this.db, tokenHash) as Promise<WebSessionRow | undefined>;
  }

  async insert(row: Insertable<WebSessionTable>): Promise<void> {
    await this.db.insertInto('web_sessions').values(row).execute();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('expires', '<', now).execute();
    await this.db.deleteFrom('login_links').where('expires', '<', now).execute();
  }

  async addLink(row: Insertable<LoginLinkTable>): Promise<void> {
    await this.db.insertInto('login_links').values(row).execute();
  }

  /** Deletes the link and returns it: a link works once. */
  takeLink(tokenHash: string): Promise<LoginLinkRow | undefined> {
    return this.db.deleteFrom('login_links').where('token_hash', '=', tokenHash).returningAll().executeTakeFirst();
  }
}
