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

  langs(commandIds: number[]): Promise<CommandLangRow[]> {
    if (commandIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('command_langs').selectAll().where('command_id', 'in', commandIds).execute();
  }

  async setLangs(commandId: number, langs: Insertable<CommandLangTable>[]): Promise<void> {
    await this.db.deleteFrom('command_langs').where('command_id', '=', commandId).execute();
    if (langs.length) await this.db.insertInto('command_langs').values(langs).execute();
  }
}
