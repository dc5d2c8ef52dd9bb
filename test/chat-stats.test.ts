import { describe, expect, it } from 'vitest';
import { fixtures } from './helpers/fixtures.js';
import { columnsOf, migrateFrom } from './helpers/migrations.js';
import { useTestServer } from './helpers/server.js';

// A chat's last message and count live in chat_stats, a member's read position in member_reads
// (migration 012), so that sends leave the chats and chat_members rows, and their kept reads, alone.
// The chat objects must show the figures as before.

const server = useTestServer();
const f = fixtures(server);

describe('chat stats and read positions', () => {
  it('every send moves the chat’s last message and count, and the sender’s read position', async () => {
    const bot = await f.newBot();
    const person = await f.newPerson('Stats');
    const chat = async () => {
      const r = await f.asBot(bot, 'imbot.v2.Chat.get', { dialogId: String(person.id) });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.result.chat;
    };
    const first = await f.botSays(bot, person.id, 'one');
    expect(await chat()).toMatchObject({ lastMessageId: first, messageCount: 1, lastId: first });
    // The chat row and the bot's membership were read from memory on this second send.
    const second = await f.say(person, bot.id, 'two');
    expect(await chat()).toMatchObject({ lastMessageId: second, messageCount: 2, lastId: first });
    const dialog = await f.asUser(person, 'im.dialog.get', { DIALOG_ID: String(bot.id) });
    expect(dialog.body.result).toMatchObject({ last_message_id: second, message_count: 2, last_id: second });
    const third = await f.botSays(bot, person.id, 'three');
    expect(await chat()).toMatchObject({ lastMessageId: third, messageCount: 3, lastId: third });
  });

  it('a read position goes with the membership, and an author outside the chat gets none', async () => {
    const owner = await f.newPerson('Owner');
    const member = await f.newPerson('Member');
    const outsider = await f.newPerson('Outsider');
    const store = server().server.platform.store;
    const chat = await f.groupChat(owner.id, [member.id]);
    const said = await f.say(owner, `chat${chat.id}`, 'hello');
    expect((await f.asUser(member, 'im.dialog.read', { DIALOG_ID: `chat${chat.id}` })).status).toBe(200);
    expect((await store.chats.memberWithReads(chat.id, member.id))?.last_read_id).toBe(said);

    await store.chats.setLastRead(chat.id, outsider.id, said);
    expect(await store.db.selectFrom('member_reads').selectAll().where('user_id', '=', outsider.id).execute()).toEqual([]);

    const left = await f.asUser(owner, 'im.chat.user.delete', { CHAT_ID: chat.id, USER_ID: member.id });
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(await store.db.selectFrom('member_reads').selectAll().where('chat_id', '=', chat.id).where('user_id', '=', member.id).execute()).toEqual([]);
  });
});

describe('migration 012', () => {
  it('moves existing stats and read positions out of chats and chat_members, unchanged', async () => {
    await migrateFrom(
      '011_bot_counters',
      (db) => {
        db.prepare(`insert into users (id, name, login, created_at) values (7, 'A', 'a', 'x'), (8, 'B', 'b', 'x')`).run();
        db.prepare(`insert into chats (id, type, private_key, last_message_id, message_count, created_at) values (5, 'P', '7:8', 42, 17, 'x'), (6, 'C', null, null, 0, 'x')`).run();
        db.prepare(`insert into chat_members (chat_id, user_id, last_read_id, viewed_id, joined_at) values (5, 7, 42, 42, 'x'), (5, 8, 30, 35, 'x'), (6, 7, 0, 0, 'x')`).run();
      },
      (db) => {
        expect(db.prepare('select * from chat_stats order by chat_id').all()).toEqual([{ chat_id: 5, last_message_id: 42, message_count: 17 }]);
        expect(db.prepare('select * from member_reads order by chat_id, user_id').all()).toEqual([
          { chat_id: 5, user_id: 7, last_read_id: 42, viewed_id: 42 },
          { chat_id: 5, user_id: 8, last_read_id: 30, viewed_id: 35 },
        ]);
        expect(columnsOf(db, 'chats')).not.toContain('message_count');
        expect(columnsOf(db, 'chat_members')).not.toContain('last_read_id');
        // Leaving a chat drops the position (the foreign key onto the membership).
        db.prepare('delete from chat_members where chat_id = 5 and user_id = 8').run();
        expect(db.prepare('select user_id from member_reads').all()).toEqual([{ user_id: 7 }]);
      },
    );
  });
});
