import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../db.js';
import type { ChatMemberTable, ChatTable } from '../schema.js';

export type ChatRow = Selectable<ChatTable>;
export type MemberRow = Selectable<ChatMemberTable>;

export class ChatRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<ChatRow | undefined> {
    return this.db.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A chat bound to an external object (ENTITY_TYPE + ENTITY_ID); the oldest when there are several. */
  byEntity(entityType: string, entityId: string): Promise<ChatRow | undefined> {
    return this.db
      .selectFrom('chats')
      .selectAll()
      .where('entity_type', '=', entityType)
      .where('entity_id', '=', entityId)
      .orderBy('id')
      .executeTakeFirst();
  }

  byPrivateKey(key: string): Promise<ChatRow | undefined> {
    return this.db.selectFrom('chats').selectAll().where('private_key', '=', key).executeTakeFirst();
  }

  insert(row: Insertable<ChatTable>): Promise<ChatRow> {
    return this.db.insertInto('chats').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<ChatTable>): Promise<void> {
    await this.db.updateTable('chats').set(patch).where('id', '=', id).execute();
  }

  async noteMessage(chatId: number, messageId: number): Promise<void> {
    await this.db
      .updateTable('chats')
      .set((eb) => ({ last_message_id: messageId, message_count: eb('message_count', '+', 1) }))
      .where('id', '=', chatId)
      .execute();
  }

  members(chatId: number): Promise<MemberRow[]> {
    return this.db.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).orderBy('joined_at').orderBy('user_id').execute();
  }

  member(chatId: number, userId: number): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom('chat_members')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  chatsOf(userId: number): Promise<ChatRow[]> {
    return this.db
      .selectFrom('chats')
      .innerJoin('chat_members', 'chat_members.chat_id', 'chats.id')
      .selectAll('chats')
      .where('chat_members.user_id', '=', userId)
      .orderBy('chats.id')
      .execute();
  }

  async addMember(row: Insertable<ChatMemberTable>): Promise<void> {
    await this.db.insertInto('chat_members').values(row).onConflict((oc) => oc.doNothing()).execute();
  }

  async setRole(chatId: number, userId: number, role: string): Promise<void> {
    await this.db.updateTable('chat_members').set({ role }).where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
  }

  async setLastRead(chatId: number, userId: number, messageId: number): Promise<void> {
    await this.db
      .updateTable('chat_members')
      .set({ last_read_id: messageId })
      .where('chat_id', '=', chatId)
      .where('user_id', '=', userId)
      .where('last_read_id', '<', messageId)
      .execute();
  }

  async removeMember(chatId: number, userId: number): Promise<void> {
    await this.db.deleteFrom('chat_members').where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
  }
}
