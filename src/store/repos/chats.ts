import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import { compiled } from '../compiled.js';
import type { Db } from '../db.js';
import type { ChatMemberTable, ChatStatsTable, ChatTable, MemberReadTable } from '../schema.js';

/** A chat as it rarely changes (kept in the read cache); its message stats are read apart (ChatStats). */
export type ChatRow = Selectable<ChatTable>;
/** A membership; the member's read position is read apart (MemberReads). */
export type MemberRow = Selectable<ChatMemberTable>;
export type ChatStats = Omit<Selectable<ChatStatsTable>, 'chat_id'>;
export type MemberReads = Omit<Selectable<MemberReadTable>, 'chat_id' | 'user_id'>;
/** What the chat objects show: the chat with its last message and count. */
export type ChatWithStats = ChatRow & ChatStats;
export type MemberWithReads = MemberRow & MemberReads;

/**
 * A parameter in a SELECT list typed as an integer: PostgreSQL would take an untyped one for text and
 * refuse it for an integer column of INSERT … SELECT; SQLite reads the cast the same.
 */
export const asInteger = (value: number) => sql<number>`cast(${value} as integer)`;

const NO_STATS: ChatStats = { last_message_id: null, message_count: 0 };
const NOTHING_READ: MemberReads = { last_read_id: 0, viewed_id: 0 };

const byIdQ = compiled((db, id: number) => db.selectFrom('chats').selectAll().where('id', '=', id));
const byPrivateKeyQ = compiled((db, key: string) => db.selectFrom('chats').selectAll().where('private_key', '=', key));
const statsQ = compiled((db, chatId: number) => db.selectFrom('chat_stats').select(['last_message_id', 'message_count']).where('chat_id', '=', chatId));
const membersQ = compiled((db, chatId: number) =>
  db.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).orderBy('joined_at').orderBy('user_id'),
);
const memberQ = compiled((db, chatId: number, userId: number) =>
  db.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).where('user_id', '=', userId),
);
const readsQ = compiled((db, chatId: number) =>
  db.selectFrom('member_reads').select(['user_id', 'last_read_id', 'viewed_id']).where('chat_id', '=', chatId),
);
const memberReadQ = compiled((db, chatId: number, userId: number) =>
  db.selectFrom('member_reads').select(['last_read_id', 'viewed_id']).where('chat_id', '=', chatId).where('user_id', '=', userId),
);
const noteMessageQ = compiled((db, chatId: number, messageId: number) =>
  db
    .insertInto('chat_stats')
    .values({ chat_id: chatId, last_message_id: messageId, message_count: sql.lit(1) })
    .onConflict((oc) =>
      oc.column('chat_id').doUpdateSet((eb) => ({
        last_message_id: eb.ref('excluded.last_message_id'),
        message_count: eb('chat_stats.message_count', '+', sql.lit(1)),
      })),
    ),
);
// Opening a dialog (the first message between two people, or to a bot): compiled like the send path.
const insertPrivateQ = compiled((db, key: string, authorId: number, createdAt: string) =>
  db.insertInto('chats').values({ type: sql.lit('P'), private_key: key, author_id: authorId, created_at: createdAt }).returningAll(),
);
const setColorQ = compiled((db, color: string, id: number) => db.updateTable('chats').set({ color }).where('id', '=', id));
const addMemberQ = compiled((db, chatId: number, userId: number, role: string, joinedAt: string, startId: number) =>
  db
    .insertInto('chat_members')
    .values({ chat_id: chatId, user_id: userId, role, joined_at: joinedAt, start_id: startId })
    .onConflict((oc) => oc.doNothing()),
);
// Members only (the old UPDATE of chat_members touched no row for an author outside the chat).
const setLastReadQ = compiled((db, messageId: number, chatId: number, userId: number) =>
  db
    .insertInto('member_reads')
    .columns(['chat_id', 'user_id', 'last_read_id'])
    .expression(
      db.selectFrom('chat_members').select(['chat_id', 'user_id', asInteger(messageId).as('last_read_id')]).where('chat_id', '=', chatId).where('user_id', '=', userId),
    )
    .onConflict((oc) =>
      oc
        .columns(['chat_id', 'user_id'])
        .doUpdateSet((eb) => ({ last_read_id: eb.ref('excluded.last_read_id') }))
        .where((eb) => eb('member_reads.last_read_id', '<', eb.ref('excluded.last_read_id'))),
    ),
);

/** A chat's members (a kept read) with their read positions (no row in member_reads: nothing read). */
export async function membersWithReads(db: Db, chatId: number): Promise<MemberWithReads[]> {
  const members = (await membersQ.all(db, chatId)) as MemberRow[];
  const reads = new Map<number, MemberReads>();
  for (const r of (await readsQ.all(db, chatId)) as (MemberReads & { user_id: number })[]) reads.set(r.user_id, r);
  return members.map((m) => {
    const r = reads.get(m.user_id);
    return { ...m, last_read_id: r?.last_read_id ?? 0, viewed_id: r?.viewed_id ?? 0 };
  });
}

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

  /** A private chat (dialog) of `key` ('min:max' user ids). */
  async insertPrivate(key: string, authorId: number, createdAt: string): Promise<ChatRow> {
    const row = (await insertPrivateQ.first(this.db, key, authorId, createdAt)) as ChatRow | undefined;
    if (!row) throw new Error('chat insert returned no row');
    return row;
  }

  async setColor(id: number, color: string): Promise<void> {
    await setColorQ.run(this.db, color, id);
  }

  insert(row: Insertable<ChatTable>): Promise<ChatRow> {
    return this.db.insertInto('chats').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(id: number, patch: Updateable<ChatTable>): Promise<void> {
    await this.db.updateTable('chats').set(patch).where('id', '=', id).execute();
  }

  async noteMessage(chatId: number, messageId: number): Promise<void> {
    await noteMessageQ.run(this.db, chatId, messageId);
  }

  async stats(chatId: number): Promise<ChatStats> {
    return ((await statsQ.first(this.db, chatId)) as ChatStats | undefined) ?? NO_STATS;
  }

  /** The chat with its stats (a second, narrow read: the chat row itself stays kept). */
  async withStats(chat: ChatRow): Promise<ChatWithStats> {
    return { ...chat, ...(await this.stats(chat.id)) };
  }

  members(chatId: number): Promise<MemberRow[]> {
    return membersQ.all(this.db, chatId) as Promise<MemberRow[]>;
  }

  member(chatId: number, userId: number): Promise<MemberRow | undefined> {
    return memberQ.first(this.db, chatId, userId) as Promise<MemberRow | undefined>;
  }

  /** Members with their read positions, in membership order. */
  membersWithReads(chatId: number): Promise<MemberWithReads[]> {
    return membersWithReads(this.db, chatId);
  }

  async memberWithReads(chatId: number, userId: number): Promise<MemberWithReads | undefined> {
    const member = await this.member(chatId, userId);
    if (!member) return undefined;
    return { ...member, ...(((await memberReadQ.first(this.db, chatId, userId)) as MemberReads | undefined) ?? NOTHING_READ) };
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
    await addMemberQ.run(this.db, row.chat_id, row.user_id, row.role ?? 'member', row.joined_at, row.start_id ?? 0);
  }

  async setRole(chatId: number, userId: number, role: string): Promise<void> {
    await this.db.updateTable('chat_members').set({ role }).where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
  }

  /** Moves a member's read position forward to their own message (sending reads the chat). */
  async setLastRead(chatId: number, userId: number, messageId: number): Promise<void> {
    await setLastReadQ.run(this.db, messageId, chatId, userId);
  }

  async removeMember(chatId: number, userId: number): Promise<void> {
    await this.db.deleteFrom('chat_members').where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
  }
}
