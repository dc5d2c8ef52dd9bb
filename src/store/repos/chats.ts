import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { ChatMemberTable, ChatTable } from '../schema.js';

export type ChatRow = Selectable<ChatTable>;
export type MemberRow = Selectable<ChatMemberTable>;

const byIdQ = compiled((db, id: number) => db.selectFrom('chats').selectAll().where('id', '=', id));
const byPrivateKeyQ = compiled((db, key: string) => db.selectFrom('chats').selectAll().where('private_key', '=', key));
const membersQ = compiled((db, chatId: number) =>
  db.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).orderBy('joined_at').orderBy('user_id'),
);
const memberQ = compiled((db, chatId: number, userId: number) =>
  db.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).where('user_id', '=', userId),
);
const noteMessageQ = compiled((db, messageId: number, chatId: number) =>
  db
    .updateTable('chats')
    .set((eb) => ({ last_message_id: messageId, message_count: eb('message_count', '+', sql.lit(1)) }))
    .where('id', '=', chatId),
);
const setLastReadQ = compiled((db, messageId: number, chatId: number, userId: number, below: number) =>
  db
    .updateTable('chat_members')
    .set({ last_read_id: messageId })
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where('last_read_id', '<', below),
);

export class ChatRepo {
  constructor(private readonly db: Db) {}

  byId(id: number): Promise<ChatRow | undefined> {
    return byIdQ.first(this.db, id) as Promise<ChatRow | undefined>;
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
    return byPrivateKeyQ.first(this.db, key) as Promise<ChatRow | undefined>;
  }

  insert(row: Insertable<ChatTable>): Promise<ChatRow> {
    return this.db.insertInto('chats').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<ChatTable>): Promise<void> {
    await this.db.updateTable('chats').set(patch).where('id', '=', id).execute();
  }

  async noteMessage(chatId: number, messageId: number): Promise<void> {
    await noteMessageQ.run(this.db, messageId, chatId);
  }

  members(chatId: number): Promise<MemberRow[]> {
    return membersQ.all(this.db, chatId) as Promise<MemberRow[]>;
  }

  member(chatId: number, userId: number): Promise<MemberRow | undefined> {
    return memberQ.first(this.db, chatId, userId) as Promise<MemberRow | undefined>;
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
    // The same id twice: a query's arguments are its parameters, each used once.
    await setLastReadQ.run(this.db, messageId, chatId, userId, messageId);
  }

  async removeMember(chatId: number, userId: number): Promise<void> {
    await this.db.deleteFrom('chat_members').where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
  }
}
