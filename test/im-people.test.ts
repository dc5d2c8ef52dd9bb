import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/domain/users.js';
import { createWebhook } from '../src/domain/webhooks.js';
import { isTimeObject, testServer, type CallResult, type Encoding, type TestServer } from './helpers/server.js';

// The people side of the messenger: api-reference/chats/** (im.message.*, im.chat.*, im.dialog.*,
// im.user.get) and api-reference/user/user-get.md, through the real HTTP interface.

let s: TestServer;
const ADMIN = 1;
const people: Record<string, { id: number; base: string }> = {};

async function person(name: string, lastName: string, scopes: string[] = ['im', 'user']) {
  const p = s.server.platform;
  const user = await createUser(p.store, { name, lastName, email: `${name.toLowerCase()}@example.com`, workPosition: 'Manager', gender: 'F' });
  const hook = await createWebhook(p.store, p.box, { userId: user.id, scopes });
  return { id: user.id, base: `${s.url}/rest/${user.id}/${hook.secret}/` };
}

/** Calls as `who` (default the admin, user 1). */
const call = (method: string, params: Record<string, unknown> = {}, who?: string, enc: Encoding = 'json'): Promise<CallResult> =>
  s.call(method, params, enc, who ? people[who].base : s.hook);

async function ok(method: string, params: Record<string, unknown> = {}, who?: string, enc: Encoding = 'json') {
  const r = await call(method, params, who, enc);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(isTimeObject(r.body.time)).toBe(true);
  return r.body.result;
}

async function fails(method: string, params: Record<string, unknown>, who: string | undefined, status: number, code: string, description?: string) {
  const r = await call(method, params, who);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error).toBe(code);
  if (description !== undefined) expect(r.body.error_description).toBe(description);
  expect(r.body.time).toBeUndefined();
  return r.body;
}

const messages = async (dialogId: string | number, who?: string, extra: Record<string, unknown> = {}) =>
  ok('im.dialog.messages.get', { DIALOG_ID: dialogId, ...extra }, who);

beforeAll(async () => {
  s = await testServer();
  people.bob = await person('Bob', 'Brown');
  people.carol = await person('Carol', 'Clark');
  people.dave = await person('Dave', 'Davis');
  people.ivan = await person('Ivan', 'Ivanov');
  people.admin = { id: ADMIN, base: s.hook };
});

afterAll(async () => {
  await s?.close();
});

const DIALOG_KEYS = [
  'id', 'parent_chat_id', 'parent_message_id', 'name', 'description', 'owner', 'extranet', 'avatar', 'color', 'type', 'counter',
  'user_counter', 'message_count', 'unread_id', 'restrictions', 'last_message_id', 'last_id', 'marked_id', 'disk_folder_id',
  'entity_type', 'entity_id', 'entity_data_1', 'entity_data_2', 'entity_data_3', 'mute_list', 'date_create', 'message_type',
  'public', 'role', 'entity_link', 'text_field_enabled', 'background_id', 'permissions', 'is_new', 'readed_list', 'manager_list',
  'last_message_views', 'dialog_id',
];
const MESSAGE_KEYS = ['id', 'chat_id', 'author_id', 'date', 'text', 'unread', 'uuid', 'replaces', 'params', 'disappearing_date'];
const IM_USER_KEYS = [
  'id', 'active', 'name', 'first_name', 'last_name', 'work_position', 'color', 'avatar', 'avatar_hr', 'gender', 'birthday', 'extranet',
  'network', 'bot', 'connector', 'external_auth_id', 'status', 'idle', 'last_activity_date', 'mobile_last_date', 'desktop_last_date',
  'absent', 'departments', 'phones', 'bot_data', 'type', 'website', 'email',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

describe('im.chat.add / im.chat.get', () => {
  let dealChat: number;

  it('creates the documented example chat and returns its id', async () => {
    const r = await call('im.chat.add', {
      USERS: [people.bob.id, people.carol.id],
      TYPE: 'CHAT',
      TITLE: 'Deal Chat',
      DESCRIPTION: 'Discussing the deal here',
      COLOR: 'PINK',
      MESSAGE: 'Welcome to the deal chat',
      ENTITY_TYPE: 'CRM',
      ENTITY_ID: 'DEAL|1663',
    });
    expect(r.status).toBe(200);
    expect(Number.isInteger(r.body.result)).toBe(true);
    expect(isTimeObject(r.body.time)).toBe(true);
    dealChat = r.body.result;
  });

  it('im.chat.get finds it by ENTITY_TYPE + ENTITY_ID (documented example) and returns {ID}', async () => {
    expect(await ok('im.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'DEAL|1663' })).toEqual({ ID: dealChat });
    // Any user may look a chat id up (no membership needed), with lower-case parameter names too.
    expect(await ok('im.chat.get', { entity_type: 'CRM', entity_id: 'DEAL|1663' }, 'dave')).toEqual({ ID: dealChat });
  });

  it('im.chat.get answers null for an unknown pair or missing parameters', async () => {
    expect(await ok('im.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'DEAL|1' })).toBeNull();
    expect(await ok('im.chat.get', { ENTITY_TYPE: 'CRM' })).toBeNull();
    expect(await ok('im.chat.get', {})).toBeNull();
  });

  it('im.dialog.get shows the chat as the documented object', async () => {
    const d = await ok('im.dialog.get', { DIALOG_ID: `chat${dealChat}` });
    expect(Object.keys(d).sort()).toEqual([...DIALOG_KEYS].sort());
    expect(d).toMatchObject({
      id: dealChat,
      parent_chat_id: 0,
      parent_message_id: 0,
      name: 'Deal Chat',
      description: 'Discussing the deal here',
      owner: ADMIN,
      extranet: false,
      color: '#f76187',
      type: 'crm',
      counter: 0,
      user_counter: 3,
      message_count: 1,
      unread_id: 0,
      marked_id: 0,
      disk_folder_id: 0,
      entity_type: 'CRM',
      entity_id: 'DEAL|1663',
      entity_data_1: '',
      mute_list: [],
      message_type: 'C',
      public: '',
      role: 'owner',
      entity_link: { type: 'DEAL', url: '/crm/deal/details/1663/', id: 'DEAL|1663' },
      text_field_enabled: true,
      background_id: null,
      permissions: {
        manage_users_add: 'member',
        manage_users_delete: 'manager',
        manage_ui: 'member',
        manage_settings: 'owner',
        manage_messages: 'member',
        can_post: 'member',
      },
      is_new: false,
      manager_list: [ADMIN],
      dialog_id: `chat${dealChat}`,
    });
    expect(d.restrictions).toEqual({
      avatar: false,
      rename: false,
      extend: true,
      call: true,
      mute: true,
      leave: true,
      leave_owner: false,
      send: true,
      user_list: true,
      path: '',
      path_title: '',
    });
    expect(d.date_create).toMatch(ISO);
    expect(d.last_message_id).toBeGreaterThan(0);
    expect(d.last_id).toBe(d.last_message_id);
    expect(d.readed_list).toEqual([
      { user_id: people.bob.id, user_name: 'Bob Brown', message_id: 0, date: null },
      { user_id: people.carol.id, user_name: 'Carol Clark', message_id: 0, date: null },
    ]);
    expect(d.last_message_views).toEqual({ message_id: d.last_message_id, first_viewers: [], count_of_viewers: 0 });
  });

  it('a member sees the first message as unread and its own role', async () => {
    const d = await ok('im.dialog.get', { DIALOG_ID: `chat${dealChat}` }, 'bob');
    expect(d.role).toBe('member');
    expect(d.counter).toBe(1);
    expect(d.unread_id).toBe(d.last_message_id);
    expect(d.last_id).toBe(0);
    const list = await messages(`chat${dealChat}`, 'bob');
    expect(list.messages).toHaveLength(1);
    expect(list.messages[0]).toMatchObject({ text: 'Welcome to the deal chat', author_id: ADMIN, unread: true });
  });

  it('without parameters creates a closed chat with the caller as its only member and owner', async () => {
    const id = await ok('im.chat.add', {}, 'carol');
    const d = await ok('im.dialog.get', { DIALOG_ID: `chat${id}` }, 'carol');
    expect(d).toMatchObject({ user_counter: 1, role: 'owner', owner: people.carol.id, type: 'chat', message_type: 'C', message_count: 0, last_message_id: 0 });
    expect(d.name).not.toBe('');
    expect(d.restrictions).toEqual({ avatar: true, rename: true, extend: true, call: true, mute: true, leave: true, leave_owner: true, send: true, user_list: true });
    expect(d.entity_link).toEqual({ type: '', url: '', id: '' });
  });

  it('TYPE=OPEN creates an open chat that other users may read', async () => {
    const id = await ok('im.chat.add', { type: 'OPEN', title: 'Lobby' }, 'bob', 'form');
    const d = await ok('im.dialog.get', { DIALOG_ID: `chat${id}` }, 'dave');
    expect(d).toMatchObject({ type: 'open', message_type: 'O', name: 'Lobby', role: 'guest' });
  });

  it('reads USERS from a PHP form body and from a JSON string', async () => {
    const a = await ok('im.chat.add', { USERS: [people.dave.id], TITLE: 'Form' }, undefined, 'form');
    expect((await ok('im.dialog.get', { DIALOG_ID: `chat${a}` }, 'dave')).user_counter).toBe(2);
    const b = await ok('im.chat.add', { USERS: JSON.stringify([people.dave.id, people.bob.id]) });
    expect((await ok('im.dialog.get', { DIALOG_ID: `chat${b}` })).user_counter).toBe(3);
  });

  it('has no errors of its own: a wrong webhook secret is the documented INVALID_CREDENTIALS (401)', async () => {
    const r = await s.call('im.chat.add', { TITLE: 'x' }, 'json', `${s.url}/rest/${people.bob.id}/wrong_secret_value/`);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' });
  });

  it('INVALID_FORMAT when USERS holds something that is not an id', async () => {
    await fails('im.chat.add', { USERS: [[people.bob.id]] }, undefined, 400, 'INVALID_FORMAT', 'Parameter USERS has wrong type');
  });
});

describe('im.dialog.get', () => {
  it('DIALOG_ID_EMPTY (400) without a valid DIALOG_ID', async () => {
    await fails('im.dialog.get', {}, undefined, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    await fails('im.dialog.get', { DIALOG_ID: 'nonsense' }, undefined, 400, 'DIALOG_ID_EMPTY');
    await fails('im.dialog.get', { DIALOG_ID: '0' }, undefined, 400, 'DIALOG_ID_EMPTY');
  });

  it('ACCESS_ERROR (403) for a closed chat the caller is not in, and for one that does not exist', async () => {
    const id = await ok('im.chat.add', { TITLE: 'Secret' }, 'bob');
    await fails('im.dialog.get', { DIALOG_ID: `chat${id}` }, 'dave', 403, 'ACCESS_ERROR', 'You do not have access to the specified dialog');
    await fails('im.dialog.get', { DIALOG_ID: 'chat999999' }, undefined, 403, 'ACCESS_ERROR');
    await fails('im.dialog.get', { DIALOG_ID: '999999' }, undefined, 403, 'ACCESS_ERROR');
  });

  it('a user id opens the private dialog with that user (created on demand)', async () => {
    const d = await ok('im.dialog.get', { DIALOG_ID: String(people.carol.id) }, 'dave');
    expect(d).toMatchObject({ type: 'private', message_type: 'P', user_counter: 2, dialog_id: String(people.carol.id) });
    const again = await ok('im.dialog.get', { DIALOG_ID: people.dave.id }, 'carol');
    expect(again.id).toBe(d.id);
  });

  it('sg<N> names the chat of workgroup N', async () => {
    const id = await ok('im.chat.add', { TITLE: 'Group', ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: '133' });
    const d = await ok('im.dialog.get', { DIALOG_ID: 'sg133' });
    expect(d).toMatchObject({ id, type: 'sonetGroup', dialog_id: 'sg133', entity_link: { type: 'SONET_GROUP', url: '/workgroups/group/133/', id: '133' } });
    expect(d.restrictions).toMatchObject({ avatar: false, rename: false, extend: false, leave: false, path: '/workgroups/group/#ID#/' });
  });
});

describe('im.message.add', () => {
  let chat: number;
  let first: number;

  beforeAll(async () => {
    chat = await ok('im.chat.add', { USERS: [people.bob.id, people.carol.id], TITLE: 'Team' });
    first = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'First' });
  });

  it('sends the documented example and returns the message id', async () => {
    const r = await call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'Message text', SYSTEM: 'N', URL_PREVIEW: 'Y', REPLY_ID: first });
    expect(r.status).toBe(200);
    expect(Number.isInteger(r.body.result)).toBe(true);
    expect(r.body.result).toBeGreaterThan(first);
    const list = await messages(`chat${chat}`);
    expect(list.messages[0]).toMatchObject({ id: r.body.result, text: 'Message text', params: { REPLY_ID: first } });
  });

  it('reads top-level names in any case and form bodies', async () => {
    const id = await ok('im.message.add', { dialog_id: `chat${chat}`, message: 'lower case' }, 'bob', 'form');
    const list = await messages(`chat${chat}`, 'bob');
    expect(list.messages[0]).toMatchObject({ id, text: 'lower case', author_id: people.bob.id });
  });

  it('a user id as DIALOG_ID writes into the private dialog (created on demand)', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: String(people.dave.id), MESSAGE: 'Hi Dave' }, 'bob');
    const seen = await messages(people.bob.id, 'dave');
    expect(seen.messages.map((m: any) => m.id)).toEqual([id]);
    expect(seen.messages[0]).toMatchObject({ text: 'Hi Dave', unread: true, author_id: people.bob.id });
    expect(seen.users.map((u: any) => u.id)).toEqual([people.bob.id]);
  });

  it('ATTACH without MESSAGE is a message', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, ATTACH: [{ MESSAGE: 'only attach' }] });
    const list = await messages(`chat${chat}`);
    expect(list.messages[0]).toMatchObject({ id, text: '' });
    expect(list.messages[0].params.ATTACH[0].BLOCKS).toEqual([{ MESSAGE: 'only attach' }]);
  });

  it('trims the text and turns [BR] into new lines', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: '  one[BR]two  ' });
    expect((await messages(`chat${chat}`)).messages.find((m: any) => m.id === id).text).toBe('one\ntwo');
  });

  it('MESSAGE_EMPTY without MESSAGE and ATTACH, with a blank one, or with a MESSAGE that is not a string', async () => {
    await fails('im.message.add', { DIALOG_ID: `chat${chat}` }, undefined, 400, 'MESSAGE_EMPTY', "Message can't be empty");
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: '   ' }, undefined, 400, 'MESSAGE_EMPTY', "Message can't be empty");
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 5 }, undefined, 400, 'MESSAGE_EMPTY', 'Wrong message type');
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: '[BR]' }, undefined, 400, 'MESSAGE_EMPTY');
  });

  it('USER_ID_EMPTY, USER_NOT_FOUND, CHAT_ID_EMPTY, CHAT_ID and PARAMS_ERROR for a bad recipient', async () => {
    await fails('im.message.add', { DIALOG_ID: 'nobody', MESSAGE: 'x' }, undefined, 400, 'USER_ID_EMPTY', "User ID can't be empty");
    await fails('im.message.add', { DIALOG_ID: '999999', MESSAGE: 'x' }, undefined, 400, 'USER_NOT_FOUND', 'User not found');
    await fails('im.message.add', { DIALOG_ID: 'chat0', MESSAGE: 'x' }, undefined, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    await fails('im.message.add', { DIALOG_ID: 'chat999999', MESSAGE: 'x' }, undefined, 400, 'CHAT_ID', 'Error creating message');
    await fails('im.message.add', { MESSAGE: 'x' }, undefined, 400, 'PARAMS_ERROR', 'Incorrect params');
  });

  it('ACCESS_ERROR (403): only members post to a chat', async () => {
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'let me in' }, 'dave', 403, 'ACCESS_ERROR', 'Action unavailable');
  });

  it('ATTACH_ERROR, ATTACH_OVERSIZE, KEYBOARD_ERROR, MENU_ERROR for invalid content', async () => {
    const d = `chat${chat}`;
    await fails('im.message.add', { DIALOG_ID: d, MESSAGE: 'x', ATTACH: [{ NOTHING: 1 }] }, undefined, 400, 'ATTACH_ERROR', 'Incorrect attach params');
    const big = Array.from({ length: 40 }, () => ({ MESSAGE: 'x'.repeat(2000) }));
    await fails('im.message.add', { DIALOG_ID: d, MESSAGE: 'x', ATTACH: big }, undefined, 400, 'ATTACH_OVERSIZE', 'You have exceeded the maximum allowable size of attach');
    await fails('im.message.add', { DIALOG_ID: d, MESSAGE: 'x', KEYBOARD: [{ TEXT: 'no action' }] }, undefined, 400, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    await fails('im.message.add', { DIALOG_ID: d, MESSAGE: 'x', MENU: [{ TEXT: 'no action' }] }, undefined, 400, 'MENU_ERROR', 'Incorrect menu params');
  });

  it('REPLY_ACCESS_ERROR and REPLY_FROM_OTHER_CHAT_ERROR (403) for a bad REPLY_ID', async () => {
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'x', REPLY_ID: 999999 }, undefined, 403, 'REPLY_ACCESS_ERROR', 'Action unavailable');
    const other = await ok('im.chat.add', { TITLE: 'Elsewhere' }, 'dave');
    const hidden = await ok('im.message.add', { DIALOG_ID: `chat${other}`, MESSAGE: 'private' }, 'dave');
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'x', REPLY_ID: hidden }, undefined, 403, 'REPLY_ACCESS_ERROR');
    const mine = await ok('im.message.add', { DIALOG_ID: String(people.carol.id), MESSAGE: 'dm' });
    await fails(
      'im.message.add',
      { DIALOG_ID: `chat${chat}`, MESSAGE: 'x', REPLY_ID: mine },
      undefined,
      403,
      'REPLY_FROM_OTHER_CHAT_ERROR',
      'You can only reply to a message within the same chat',
    );
  });

  it('a failed send leaves nothing behind (no private dialog created)', async () => {
    const before = await s.server.platform.store.chats.chatsOf(people.ivan.id);
    await fails('im.message.add', { DIALOG_ID: String(people.ivan.id), MESSAGE: 'x', KEYBOARD: [{ TEXT: 'bad' }] }, 'carol', 400, 'KEYBOARD_ERROR');
    expect(await s.server.platform.store.chats.chatsOf(people.ivan.id)).toEqual(before);
  });

  it('requires the im scope', async () => {
    const userOnly = await person('Scope', 'Less', ['user']);
    const r = await s.call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'x' }, 'json', userOnly.base);
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('insufficient_scope');
  });
});

describe('im.message.update / im.message.delete', () => {
  let chat: number;

  beforeAll(async () => {
    chat = await ok('im.chat.add', { USERS: [people.bob.id, people.carol.id], TITLE: 'Edits' });
  });

  const find = async (id: number, who?: string) => (await messages(`chat${chat}`, who, { LIMIT: 50 })).messages.find((m: any) => m.id === id);

  it('updates text and removes the keyboard (documented example), marking the message edited', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'Original', KEYBOARD: [{ TEXT: 'Go', LINK: 'https://example.com' }] }, 'bob');
    expect((await find(id)).params.KEYBOARD).toHaveLength(1);
    const r = await call('im.message.update', { MESSAGE_ID: id, MESSAGE: 'Updated text', KEYBOARD: 'N' }, 'bob');
    expect(r.status).toBe(200);
    expect(r.body.result).toBe(true);
    const m = await find(id);
    expect(m.text).toBe('Updated text');
    expect(m.params.KEYBOARD).toBeUndefined();
    expect(m.params.IS_EDITED).toBe('Y');
  });

  it('IS_EDITED=N applies to an ATTACH change; a keyboard change leaves the flag alone', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'With attach', ATTACH: [{ MESSAGE: 'a' }] }, 'bob');
    expect(await ok('im.message.update', { MESSAGE_ID: id, ATTACH: [{ MESSAGE: 'b' }], IS_EDITED: 'N' }, 'bob')).toBe(true);
    let m = await find(id);
    expect(m.params.ATTACH[0].BLOCKS).toEqual([{ MESSAGE: 'b' }]);
    expect(m.params.IS_EDITED).toBe('N');
    expect(await ok('im.message.update', { MESSAGE_ID: id, KEYBOARD: [{ TEXT: 'k', ACTION: 'SEND', ACTION_VALUE: 'hi' }] }, 'bob')).toBe(true);
    m = await find(id);
    expect(m.params.IS_EDITED).toBe('N');
    expect(m.params.KEYBOARD[0]).toMatchObject({ TEXT: 'k', ACTION: 'SEND', ACTION_VALUE: 'hi' });
    // An empty ATTACH removes the attachment.
    expect(await ok('im.message.update', { MESSAGE_ID: id, ATTACH: '' }, 'bob')).toBe(true);
    expect((await find(id)).params.ATTACH).toBeUndefined();
  });

  it('an empty MESSAGE deletes the message', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'to vanish' }, 'bob');
    expect(await ok('im.message.update', { message_id: id, message: '' }, 'bob')).toBe(true);
    expect(await find(id)).toMatchObject({ text: 'This message was deleted.', params: { IS_DELETED: 'Y' } });
  });

  it('MESSAGE_ID_ERROR without a message id', async () => {
    await fails('im.message.update', { MESSAGE: 'x' }, 'bob', 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty");
    await fails('im.message.update', { MESSAGE_ID: 'abc', MESSAGE: 'x' }, 'bob', 400, 'MESSAGE_ID_ERROR');
  });

  it("CANT_EDIT_MESSAGE (403) for someone else's, a deleted, a missing or a three-day-old message", async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'mine' }, 'bob');
    await fails('im.message.update', { MESSAGE_ID: id, MESSAGE: 'hijack' }, 'carol', 403, 'CANT_EDIT_MESSAGE', "Time has expired for modification or you don't have access");
    await fails('im.message.update', { MESSAGE_ID: id, MESSAGE: 'hijack' }, undefined, 403, 'CANT_EDIT_MESSAGE');
    await fails('im.message.update', { MESSAGE_ID: 999999, MESSAGE: 'x' }, 'bob', 403, 'CANT_EDIT_MESSAGE');
    const old = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'old' }, 'bob');
    await s.server.platform.store.messages.update(old, { created_at: '2020-01-01T00:00:00+00:00' });
    await fails('im.message.update', { MESSAGE_ID: old, MESSAGE: 'too late' }, 'bob', 403, 'CANT_EDIT_MESSAGE');
    await ok('im.message.delete', { MESSAGE_ID: id }, 'bob');
    await fails('im.message.update', { MESSAGE_ID: id, MESSAGE: 'back' }, 'bob', 403, 'CANT_EDIT_MESSAGE');
  });

  it('ATTACH_ERROR, ATTACH_OVERSIZE, KEYBOARD_ERROR, KEYBOARD_OVERSIZE, menu_ERROR, MENU_OVERSIZE', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'target' }, 'bob');
    const u = (extra: Record<string, unknown>) => ({ MESSAGE_ID: id, ...extra });
    await fails('im.message.update', u({ ATTACH: [{ BOGUS: 1 }] }), 'bob', 400, 'ATTACH_ERROR', 'Incorrect attach params');
    await fails('im.message.update', u({ ATTACH: Array.from({ length: 40 }, () => ({ MESSAGE: 'y'.repeat(2000) })) }), 'bob', 400, 'ATTACH_OVERSIZE');
    await fails('im.message.update', u({ KEYBOARD: [{ TEXT: '' }] }), 'bob', 400, 'KEYBOARD_ERROR', 'Incorrect keyboard params');
    const buttons = Array.from({ length: 300 }, (_, i) => ({ TEXT: `button ${i} ${'z'.repeat(150)}`, ACTION: 'PUT', ACTION_VALUE: 'v' }));
    await fails('im.message.update', u({ KEYBOARD: buttons }), 'bob', 400, 'KEYBOARD_OVERSIZE', 'You have exceeded the maximum allowable size of keyboard');
    await fails('im.message.update', u({ MENU: [{ TEXT: 'x' }] }), 'bob', 400, 'menu_ERROR', 'Incorrect menu params');
    const items = Array.from({ length: 300 }, (_, i) => ({ TEXT: `item ${i} ${'z'.repeat(200)}`, LINK: 'https://example.com' }));
    await fails('im.message.update', u({ MENU: items }), 'bob', 400, 'MENU_OVERSIZE', 'You have exceeded the maximum allowable size of menu');
    // Nothing was changed by the failed calls.
    expect((await find(id)).params).toEqual([]);
  });

  it('deletes a message (documented example); the stub shows as deleted', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'bye' }, 'carol');
    const r = await call('im.message.delete', { MESSAGE_ID: id }, 'carol');
    expect(r.status).toBe(200);
    expect(r.body.result).toBe(true);
    expect(await find(id, 'carol')).toMatchObject({ id, text: 'This message was deleted.', params: { IS_DELETED: 'Y' } });
  });

  it('the chat owner may delete messages of others in a group chat', async () => {
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'moderate me' }, 'carol');
    expect(await ok('im.message.delete', { MESSAGE_ID: id })).toBe(true);
  });

  it('MESSAGE_ID_ERROR and CANT_EDIT_MESSAGE (403) for im.message.delete', async () => {
    await fails('im.message.delete', {}, 'bob', 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty");
    const id = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'not yours' }, 'carol');
    await fails('im.message.delete', { MESSAGE_ID: id }, 'bob', 403, 'CANT_EDIT_MESSAGE', "Time has expired for modification or you don't have access");
    await ok('im.message.delete', { MESSAGE_ID: id }, 'carol');
    await fails('im.message.delete', { MESSAGE_ID: id }, 'carol', 403, 'CANT_EDIT_MESSAGE');
    const dm = await ok('im.message.add', { DIALOG_ID: String(people.bob.id), MESSAGE: 'dm' }, 'carol');
    await fails('im.message.delete', { MESSAGE_ID: dm }, 'bob', 403, 'CANT_EDIT_MESSAGE');
  });
});

describe('im.chat.user.add / im.chat.user.delete', () => {
  let chat: number;
  let early: number;

  beforeAll(async () => {
    chat = await ok('im.chat.add', { USERS: [people.bob.id], TITLE: 'Members' });
    early = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'before anyone joined' });
  });

  it('adds users with the history shown (documented example, HIDE_HISTORY=N)', async () => {
    const r = await call('im.chat.user.add', { CHAT_ID: chat, USERS: [people.carol.id], HIDE_HISTORY: 'N' });
    expect(r.status).toBe(200);
    expect(r.body.result).toBe(true);
    const seen = await messages(`chat${chat}`, 'carol');
    expect(seen.messages.map((m: any) => m.id)).toContain(early);
  });

  it('hides the history from added users by default', async () => {
    expect(await ok('im.chat.user.add', { DIALOG_ID: `chat${chat}`, USERS: [people.dave.id] }, 'bob')).toBe(true);
    expect((await messages(`chat${chat}`, 'dave')).messages).toEqual([]);
    const later = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'after' }, 'bob');
    expect((await messages(`chat${chat}`, 'dave')).messages.map((m: any) => m.id)).toEqual([later]);
    expect((await ok('im.dialog.get', { DIALOG_ID: `chat${chat}` }, 'dave')).message_count).toBe(1);
  });

  it('CHAT_ID_EMPTY and DIALOG_ID_EMPTY', async () => {
    await fails('im.chat.user.add', { USERS: [people.ivan.id] }, undefined, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    await fails('im.chat.user.add', { DIALOG_ID: String(people.bob.id), USERS: [people.ivan.id] }, undefined, 400, 'DIALOG_ID_EMPTY');
  });

  it('ACCESS_DENIED_EXTEND for a non-member, a private chat or a missing chat', async () => {
    await fails('im.chat.user.add', { CHAT_ID: chat, USERS: [people.ivan.id] }, 'ivan', 400, 'ACCESS_DENIED_EXTEND', 'Insufficient permissions to add participants to the chat');
    const dm = await ok('im.dialog.get', { DIALOG_ID: String(people.bob.id) });
    await fails('im.chat.user.add', { CHAT_ID: dm.id, USERS: [people.ivan.id] }, undefined, 400, 'ACCESS_DENIED_EXTEND');
    await fails('im.chat.user.add', { CHAT_ID: 999999, USERS: [people.ivan.id] }, undefined, 400, 'ACCESS_DENIED_EXTEND');
  });

  it('ACCESS_ERROR (403) where the kind of chat forbids adding', async () => {
    const group = await ok('im.chat.add', { TITLE: 'Workgroup', ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: '7' });
    await fails('im.chat.user.add', { CHAT_ID: group, USERS: [people.ivan.id] }, undefined, 403, 'ACCESS_ERROR', 'It is forbidden to add users to this chat');
    await fails('im.chat.user.delete', { CHAT_ID: group, USER_ID: ADMIN }, undefined, 403, 'ACCESS_ERROR', 'It is forbidden to delete users of this chat');
  });

  it('the owner excludes a member (documented example)', async () => {
    const r = await call('im.chat.user.delete', { CHAT_ID: chat, USER_ID: people.dave.id });
    expect(r.status).toBe(200);
    expect(r.body.result).toBe(true);
    await fails('im.dialog.get', { DIALOG_ID: `chat${chat}` }, 'dave', 403, 'ACCESS_ERROR');
  });

  it('a member may leave, but not exclude others', async () => {
    await fails('im.chat.user.delete', { CHAT_ID: chat, USER_ID: people.bob.id }, 'carol', 400, 'ACCESS_DENIED_KICK', 'Insufficient rights to exclude participants from the chat');
    expect(await ok('im.chat.user.delete', { CHAT_ID: chat, USER_ID: people.carol.id }, 'carol')).toBe(true);
    await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'still here?' }, 'carol', 403, 'ACCESS_ERROR');
  });

  it('CHAT_ID_EMPTY, USER_ID_EMPTY and USER_NOT_FOUND', async () => {
    await fails('im.chat.user.delete', { USER_ID: people.bob.id }, undefined, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
    await fails('im.chat.user.delete', { CHAT_ID: chat }, undefined, 400, 'USER_ID_EMPTY', "User ID can't be empty");
    await fails('im.chat.user.delete', { CHAT_ID: chat, USER_ID: people.ivan.id }, undefined, 400, 'USER_NOT_FOUND', 'The specified user is not in the chat');
  });

  it('ACCESS_ERROR (403) when the owner would leave a chat that keeps its owner', async () => {
    const crm = await ok('im.chat.add', { USERS: [people.bob.id], ENTITY_TYPE: 'CRM', ENTITY_ID: 'LEAD|13' });
    await fails('im.chat.user.delete', { CHAT_ID: crm, USER_ID: ADMIN }, undefined, 403, 'ACCESS_ERROR', 'Action unavailable');
    // A manager-less member cannot remove the owner either.
    await fails('im.chat.user.delete', { CHAT_ID: crm, USER_ID: ADMIN }, 'bob', 400, 'ACCESS_DENIED_KICK');
  });
});

describe('im.dialog.messages.get', () => {
  let chat: number;
  const ids: number[] = [];

  beforeAll(async () => {
    chat = await ok('im.chat.add', { USERS: [people.bob.id], TITLE: 'History' });
    for (let i = 1; i <= 25; i++) ids.push(await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: `m${i}` }));
  });

  it('answers the documented example (FIRST_ID + LIMIT) with {chat_id, messages, users, files}', async () => {
    const r = await messages(`chat${chat}`, undefined, { FIRST_ID: ids[4], LIMIT: 10 });
    expect(Object.keys(r).sort()).toEqual(['chat_id', 'files', 'messages', 'users']);
    expect(r.chat_id).toBe(chat);
    expect(r.files).toEqual([]);
    expect(r.messages.map((m: any) => m.id)).toEqual(ids.slice(5, 15));
    for (const m of r.messages) expect(Object.keys(m).sort()).toEqual([...MESSAGE_KEYS].sort());
    expect(r.messages[0]).toMatchObject({ chat_id: chat, author_id: ADMIN, text: 'm6', unread: false, replaces: [], params: [], disappearing_date: null });
    expect(r.messages[0].date).toMatch(ISO);
    expect(typeof r.messages[0].uuid).toBe('string');
    expect(r.users).toHaveLength(1);
    expect(Object.keys(r.users[0]).sort()).toEqual([...IM_USER_KEYS].sort());
    expect(r.users[0]).toMatchObject({ id: ADMIN, bot: false, type: 'user', bot_data: null, idle: false, mobile_last_date: false });
  });

  it('returns the latest 20 by default, newest first, and pages back with LAST_ID; LIMIT is capped at 50', async () => {
    const latest = await messages(`chat${chat}`);
    expect(latest.messages.map((m: any) => m.id)).toEqual(ids.slice(5).reverse());
    const older = await messages(`chat${chat}`, undefined, { LAST_ID: ids[5] });
    expect(older.messages.map((m: any) => m.id)).toEqual(ids.slice(0, 5).reverse());
    expect((await messages(`chat${chat}`, undefined, { LIMIT: 500 })).messages).toHaveLength(25);
    expect((await messages(`chat${chat}`, undefined, { LIMIT: 3 })).messages).toHaveLength(3);
  });

  it('shows unread messages beyond LIMIT to a reader with unread ones', async () => {
    const r = await messages(`chat${chat}`, 'bob', { LIMIT: 30 });
    expect(r.messages.every((m: any) => m.unread === true)).toBe(true);
    // More unread than LIMIT: the reader starts at the first unread ones.
    const few = await messages(`chat${chat}`, 'bob', { LIMIT: 5 });
    expect(few.messages.map((m: any) => m.id)).toEqual(ids.slice(0, 5).reverse());
    // Fewer unread than LIMIT: they come on top of it.
    const own = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'read up to here' }, 'bob');
    const fresh = [await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'n1' }), await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'n2' })];
    const topped = await messages(`chat${chat}`, 'bob', { LIMIT: 3 });
    expect(topped.messages.map((m: any) => m.id)).toEqual([fresh[1], fresh[0], own, ids[24], ids[23]]);
    expect(topped.messages.map((m: any) => m.unread)).toEqual([true, true, false, false, false]);
    expect(topped.users.map((u: any) => u.id)).toEqual([ADMIN, people.bob.id]);
  });

  it('empty arrays for a FIRST_ID / LAST_ID past the history', async () => {
    expect(await messages(`chat${chat}`, undefined, { FIRST_ID: 99999999 })).toEqual({ chat_id: chat, messages: [], users: [], files: [] });
    expect((await messages(`chat${chat}`, undefined, { LAST_ID: 1 })).messages).toEqual([]);
  });

  it('CHAT_ID may stand for DIALOG_ID', async () => {
    const latest = (await messages(`chat${chat}`, undefined, { LIMIT: 1 })).messages[0].id;
    expect((await ok('im.dialog.messages.get', { CHAT_ID: chat, LIMIT: 1 })).messages[0].id).toBe(latest);
  });

  it('DIALOG_ID_EMPTY, FIRST_ID_STRING, LAST_ID_STRING (400) and ACCESS_ERROR (403)', async () => {
    await fails('im.dialog.messages.get', {}, undefined, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
    await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, FIRST_ID: 'abc' }, undefined, 400, 'FIRST_ID_STRING', "First ID can't be string");
    await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LAST_ID: '12a' }, undefined, 400, 'LAST_ID_STRING', "Last ID can't be string");
    await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, 'dave', 403, 'ACCESS_ERROR', 'You do not have access to the specified dialog');
  });
});

describe('im.user.get', () => {
  it('answers the documented example with the documented object', async () => {
    const u = await ok('im.user.get', { ID: people.bob.id, AVATAR_HR: 'Y' });
    expect(Object.keys(u).sort()).toEqual([...IM_USER_KEYS].sort());
    expect(u).toMatchObject({
      id: people.bob.id,
      active: true,
      name: 'Bob Brown',
      first_name: 'Bob',
      last_name: 'Brown',
      work_position: 'Manager',
      gender: 'F',
      birthday: '',
      extranet: false,
      network: false,
      bot: false,
      connector: false,
      external_auth_id: 'default',
      status: 'online',
      idle: false,
      mobile_last_date: false,
      desktop_last_date: false,
      absent: false,
      departments: [1],
      phones: false,
      bot_data: null,
      type: 'user',
      email: 'bob@example.com',
    });
    expect(u.color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('without ID answers the current user; id is read in any case', async () => {
    expect((await ok('im.user.get', {}, 'carol')).id).toBe(people.carol.id);
    expect((await ok('im.user.get', { id: people.dave.id }, 'carol', 'form')).id).toBe(people.dave.id);
  });

  it('ID_EMPTY for ID <= 0 and USER_NOT_EXISTS for an unknown user', async () => {
    await fails('im.user.get', { ID: 0 }, undefined, 400, 'ID_EMPTY', "User ID can't be empty");
    await fails('im.user.get', { ID: -4 }, undefined, 400, 'ID_EMPTY');
    await fails('im.user.get', { ID: 999999 }, undefined, 400, 'USER_NOT_EXISTS', 'User does not exist');
  });
});

describe('user.get', () => {
  it('lists users in the classic format with total (documented example)', async () => {
    const r = await call('user.get', { UF_DEPARTMENT: 1, SORT: 'ID', ORDER: 'asc' });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(r.body.result.length);
    expect(r.body.result[0]).toMatchObject({ ID: '1', ACTIVE: true, UF_DEPARTMENT: [1], USER_TYPE: 'employee', IS_ONLINE: 'N' });
    const ids = r.body.result.map((u: any) => Number(u.ID));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toContain(people.ivan.id);
    const paged = await call('user.get', { UF_DEPARTMENT: 1, SORT: 'ID', ORDER: 'asc', start: 2 });
    expect(paged.body.result.map((u: any) => Number(u.ID))).toEqual(ids.slice(2));
    expect(paged.body.total).toBe(ids.length);
  });

  it('filters with the documented prefixes', async () => {
    const names = async (filter: Record<string, unknown>) => (await ok('user.get', { filter })).map((u: any) => u.NAME);
    expect(await names({ NAME: 'Iv%' })).toEqual(['Ivan']);
    expect(await names({ '!%LAST_NAME': 'an' })).not.toContain('Ivan');
    expect(await names({ '!%LAST_NAME': 'an' })).toContain('Bob');
    expect(await names({ '@ID': [people.bob.id, people.carol.id] })).toEqual(['Bob', 'Carol']);
    expect(await names({ '>=ID': people.dave.id, '<ID': people.ivan.id + 1 })).toEqual(['Dave', 'Ivan']);
    expect(await names({ '%EMAIL': 'CAROL@' })).toEqual(['Carol']);
    expect(await names({ NAME_SEARCH: 'dave' })).toEqual(['Dave']);
    // Unknown fields are skipped, not errors.
    expect((await names({ '@PERSONAL_CITY': ['New York', 'Los Angeles'] })).length).toBeGreaterThan(4);
  });

  it('sorts descending and hides EMAIL from user_brief callers', async () => {
    const desc = await ok('user.get', { sort: 'ID', order: 'DESC' });
    expect(Number(desc[0].ID)).toBeGreaterThan(Number(desc[1].ID));
    const brief = await person('Brief', 'Caller', ['user_brief']);
    const r = await s.call('user.get', { ID: people.bob.id }, 'json', brief.base);
    expect(r.status).toBe(200);
    expect(r.body.result).toHaveLength(1);
    expect(r.body.result[0].EMAIL).toBeUndefined();
    const noScope = await person('Only', 'Im', ['im']);
    expect((await s.call('user.get', {}, 'json', noScope.base)).body.error).toBe('insufficient_scope');
  });

  it('pages by 50 with next', async () => {
    const p = s.server.platform;
    for (let i = 0; i < 50; i++) await createUser(p.store, { name: `Bulk${i}`, lastName: 'Filler' });
    const first = await call('user.get', { FILTER: { LAST_NAME: 'Filler' } });
    expect(first.body.result).toHaveLength(50);
    expect(first.body.total).toBe(50);
    expect(first.body.next).toBeUndefined();
    const all = await call('user.get', {});
    expect(all.body.result).toHaveLength(50);
    expect(all.body.next).toBe(50);
    expect(all.body.total).toBeGreaterThan(50);
  });
});

describe('im.message.command (pressing a keyboard COMMAND button)', () => {
  const TOKEN = 'presser_token_0123456789';
  let botId: number;
  let chat: number;
  let messageId: number;

  beforeAll(async () => {
    const reg = await ok('imbot.v2.Bot.register', { fields: { code: 'presser', botToken: TOKEN, properties: { name: 'Presser' } } });
    botId = reg.bot.id;
    await ok('imbot.v2.Command.register', { botId, botToken: TOKEN, fields: { command: 'task', title: { en: 'Task' } } });
    chat = await ok('im.chat.add', { USERS: [people.bob.id, botId], TITLE: 'With a bot' });
    messageId = await ok('im.message.add', {
      DIALOG_ID: `chat${chat}`,
      MESSAGE: 'Press it',
      KEYBOARD: { BOT_ID: botId, BUTTONS: [{ TEXT: 'Task', COMMAND: '/task', COMMAND_PARAMS: 'task #1' }] },
    });
  });

  it('the keyboard button is stored for that bot', async () => {
    const m = (await messages(`chat${chat}`, 'bob')).messages.find((x: any) => x.id === messageId);
    expect(m.params.KEYBOARD).toEqual([
      {
        BOT_ID: botId,
        TYPE: 'BUTTON',
        COMMAND: 'task',
        COMMAND_PARAMS: 'task #1',
        TEXT: 'Task',
        VOTE: 'N',
        BLOCK: 'N',
        WAIT: 'N',
        CONTEXT: 'ALL',
        DISABLED: 'N',
        DISPLAY: 'BLOCK',
        BG_COLOR_TOKEN: 'base',
      },
    ]);
  });

  it('runs the command (documented example shape) and the bot receives ONIMBOTV2COMMANDADD from the keyboard', async () => {
    const r = await call('im.message.command', { MESSAGE_ID: messageId, BOT_ID: botId, COMMAND: 'task', COMMAND_PARAMS: 'task #1' }, 'bob');
    expect(r.status).toBe(200);
    expect(r.body.result).toBe(true);
    const got = await ok('imbot.v2.Event.get', { botId, botToken: TOKEN, offset: 0, limit: 100 });
    const ev = got.events.find((e: any) => e.type === 'ONIMBOTV2COMMANDADD');
    expect(ev, JSON.stringify(got.events.map((e: any) => e.type))).toBeDefined();
    expect(ev.data.command).toMatchObject({ command: '/task', params: 'task #1', context: 'keyboard' });
    expect(ev.data.message.id).toBe(messageId);
    expect(ev.data.user.id).toBe(people.bob.id);
    expect(ev.data.chat.id).toBe(chat);
  });

  it('im.user.get shows a bot with its bot_data', async () => {
    const u = await ok('im.user.get', { ID: botId }, 'bob');
    expect(u).toMatchObject({ id: botId, name: 'Presser', bot: true, type: 'bot', external_auth_id: 'bot', departments: [] });
    expect(u.bot_data).toEqual({
      id: botId,
      code: 'presser',
      type: 'bot',
      is_hidden: false,
      is_support_openline: false,
      openline: false,
      background_id: null,
      reactions_enabled: true,
    });
  });

  it('MESSAGE_ID_ERROR, BOT_ID_ERROR, COMMAND_ERROR', async () => {
    await fails('im.message.command', { BOT_ID: botId, COMMAND: 'task' }, 'bob', 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty");
    await fails('im.message.command', { MESSAGE_ID: messageId, COMMAND: 'task' }, 'bob', 400, 'BOT_ID_ERROR', "Bot ID can't be empty");
    await fails('im.message.command', { MESSAGE_ID: messageId, BOT_ID: botId }, 'bob', 400, 'COMMAND_ERROR', "Command can't be empty");
    await fails('im.message.command', { MESSAGE_ID: messageId, BOT_ID: botId, COMMAND: '' }, 'bob', 400, 'COMMAND_ERROR');
  });

  it('PARAMS_ERROR for an unregistered command, a missing message, or a presser outside the chat', async () => {
    await fails('im.message.command', { MESSAGE_ID: messageId, BOT_ID: botId, COMMAND: 'nope' }, 'bob', 400, 'PARAMS_ERROR', 'Incorrect params');
    await fails('im.message.command', { MESSAGE_ID: 999999, BOT_ID: botId, COMMAND: 'task' }, 'bob', 400, 'PARAMS_ERROR');
    await fails('im.message.command', { MESSAGE_ID: messageId, BOT_ID: botId, COMMAND: 'task' }, 'dave', 400, 'PARAMS_ERROR');
    await fails('im.message.command', { MESSAGE_ID: messageId, BOT_ID: 999999, COMMAND: 'task' }, 'bob', 400, 'PARAMS_ERROR');
  });
});
