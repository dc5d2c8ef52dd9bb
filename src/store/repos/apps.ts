import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { AppTable, OAuthCodeTable, OAuthTokenTable } from '../schema.js';

export type AppRow = Selectable<AppTable>;
export type TokenRow = Selectable<OAuthTokenTable>;
export type CodeRow = Selectable<OAuthCodeTable>;

export class AppRepo {
  constructor(private readonly db: Db) {}

  byClientId(clientId: string): Promise<AppRow | undefined> {
    return this.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  }

  byId(id: number): Promise<AppRow | undefined> {
    return this.db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<AppRow[]> {
    return this.db.selectFrom('apps').selectAll().orderBy('id').execute();
  }

  insert(row: Insertable<AppTable>): Promise<AppRow> {
    return this.db.insertInto('apps').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<AppTable>): Promise<void> {
    await this.db.updateTable('apps').set(patch).where('id', '=', id).execute();
  }
}

export class TokenRepo {
  constructor(private readonly db: Db) {}

  byAccessHash(hash: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('oauth_tokens').selectAll().where('access_hash', '=', hash).executeTakeFirst();
  }

  byRefreshHash(hash: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('oauth_tokens').selectAll().where('refresh_hash', '=', hash).executeTakeFirst();
  }

  insert(row: Insertable<OAuthTokenTable>): Promise<TokenRow> {
    return this.db.insertInto('oauth_tokens').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** A refresh token is single-use: renewing retires it (its access token lives on until it expires). */
  async retireRefresh(id: number): Promise<void> {
    await this.db.updateTable('oauth_tokens').set({ refresh_expires: 0 }).where('id', '=', id).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db
      .deleteFrom('oauth_tokens')
      .where('access_expires', '<', now)
      .where('refresh_expires', '<', now)
      .execute();
  }

  insertCode(row: Insertable<OAuthCodeTable>): Promise<unknown> {
    return this.db.insertInto('oauth_codes').values(row).execute();
  }

  /** Codes are single-use: reading one deletes it. */
  async takeCode(hash: string): Promise<CodeRow | undefined> {
    const row = await this.db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', hash).executeTakeFirst();
    if (row) await this.db.deleteFrom('oauth_codes').where('code_hash', '=', hash).execute();
    return row;
  }
}
