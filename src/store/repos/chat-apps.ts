import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { ChatAppLangTable, ChatAppTable } from '../schema.js';

export type ChatAppRow = Selectable<ChatAppTable>;
export type ChatAppLangRow = Selectable<ChatAppLangTable>;

/** Chat applications (imbot.app.*) and their translations. */
export class ChatAppRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<ChatAppRow | undefined> {
    return this.db.selectFrom('chat_apps').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byCode(botId: number, code: string): Promise<ChatAppRow | undefined> {
    return this.db.selectFrom('chat_apps').selectAll().where('bot_id', '=', botId).where('code', '=', code).executeTakeFirst();
  }

  /** Every registered application (the messenger's text panel lists them by context). */
  all(): Promise<ChatAppRow[]> {
    return this.db.selectFrom('chat_apps').selectAll().where('registered', '=', 1).orderBy('id').execute();
  }

  byBot(botId: number): Promise<ChatAppRow[]> {
    return this.db.selectFrom('chat_apps').selectAll().where('bot_id', '=', botId).orderBy('id').execute();
  }

  insert(row: Insertable<ChatAppTable>): Promise<ChatAppRow> {
    return this.db.insertInto('chat_apps').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<ChatAppTable>): Promise<void> {
    await this.db.updateTable('chat_apps').set(patch).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('chat_apps').where('id', '=', id).execute();
  }

  langs(appId: number): Promise<ChatAppLangRow[]> {
    return this.db.selectFrom('chat_app_langs').selectAll().where('app_id', '=', appId).orderBy('language_id').execute();
  }

  async setLangs(appId: number, langs: Insertable<ChatAppLangTable>[]): Promise<void> {
    await this.db.deleteFrom('chat_app_langs').where('app_id', '=', appId).execute();
    if (langs.length) await this.db.insertInto('chat_app_langs').values(langs).execute();
  }
}
