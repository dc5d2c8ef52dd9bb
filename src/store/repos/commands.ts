import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { CommandLangTable, CommandTable } from '../schema.js';

export type CommandRow = Selectable<CommandTable>;
export type CommandLangRow = Selectable<CommandLangTable>;

export class CommandRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<CommandRow | undefined> {
    return this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byBot(botId: number): Promise<CommandRow[]> {
    return this.db.selectFrom('commands').selectAll().where('bot_id', '=', botId).orderBy('id').execute();
  }

  byText(botId: number, command: string): Promise<CommandRow | undefined> {
    return this.db
      .selectFrom('commands')
      .selectAll()
      .where('bot_id', '=', botId)
      .where('command', '=', command)
      .executeTakeFirst();
  }

  /** Every command named `command` (lower-cased), across bots. */
  named(command: string): Promise<CommandRow[]> {
    return this.db.selectFrom('commands').selectAll().where('command', '=', command).orderBy('id').execute();
  }

  all(): Promise<CommandRow[]> {
    return this.db.selectFrom('commands').selectAll().orderBy('id').execute();
  }

  insert(row: Insertable<CommandTable>): Promise<CommandRow> {
    return this.db.insertInto('commands').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<CommandTable>): Promise<void> {
    await this.db.updateTable('commands').set(patch).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('commands').where('id', '=', id).execute();
  }

  /**
   * One ONIMCOMMANDADD handler per owner (the platform binds the event per application, last
   * registration wins): every command of the owner's bots gets `url`.
   */
  async setEventUrlForOwner(ownerHash: string, url: string): Promise<void> {
    await this.db
      .updateTable('commands')
      .set({ event_url: url })
      .where('bot_id', 'in', (eb) => eb.selectFrom('bots').select('id').where('owner_hash', '=', ownerHash))
      .execute();
  }

  langs(commandIds: number[]): Promise<CommandLangRow[]> {
    if (commandIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('command_langs').selectAll().where('command_id', 'in', commandIds).execute();
  }

  async setLangs(commandId: number, langs: Insertable<CommandLangTable>[]): Promise<void> {
    await this.db.deleteFrom('command_langs').where('command_id', '=', commandId).execute();
    if (langs.length) await this.db.insertInto('command_langs').values(langs).execute();
  }

  /** Gives `botId` the right to answer commands in `chatId` until `expiresTs` (Bot\Token::add); dead grants are dropped. */
  async grantAnswer(botId: number, chatId: number, expiresTs: number, nowTs: number): Promise<void> {
    await this.db.deleteFrom('bot_tokens').where('expires_ts', '<=', nowTs).execute();
    await this.db
      .insertInto('bot_tokens')
      .values({ bot_id: botId, chat_id: chatId, expires_ts: expiresTs })
      .onConflict((oc) => oc.columns(['bot_id', 'chat_id']).doUpdateSet({ expires_ts: expiresTs }))
      .execute();
  }

  /** Whether `botId` may still answer commands in `chatId` (Bot\Token::isActive). */
  async canAnswer(botId: number, chatId: number, nowTs: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('bot_tokens')
      .select('expires_ts')
      .where('bot_id', '=', botId)
      .where('chat_id', '=', chatId)
      .where('expires_ts', '>', nowTs)
      .executeTakeFirst();
    return !!row;
  }
}
