import { ChatAdminErrors, changeManagers, excludeUser, inviteUsers, listMembers, type MemberOrder, requireRemoveRight, requireRight } from '../domain/messenger/chat-admin.js';
import { canRead } from '../domain/messenger/chats.js';
import { userView } from '../format/user.js';
import { chatParams, defineChatChange, idsArg, inBotChat } from './imbot.v2.Chat.js';
import { defineV2, intArg } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/chats';

type Params = Record<string, unknown>;

/** Members (User.*) and managers (Manager.*) of a chat, as the bot. */

export const chatUserAdd = defineChatChange(
  'imbot.v2.Chat.User.add',
  'chat-user-add.md',
  (q) => idsArg(q, 'userIds'),
  async ({ tx, emit, chat, bot }, ids) => {
    await requireRight(tx, chat, bot.id, 'extend');
    // Unknown, inactive and present users are skipped without an error.
    await inviteUsers(tx, emit, chat, bot.id, ids);
  },
);

export const chatUserDelete = defineChatChange(
  'imbot.v2.Chat.User.delete',
  'chat-user-delete.md',
  (q) => intArg(q, 'userId'),
  async ({ tx, emit, chat, bot }, userId) => {
    await requireRemoveRight(tx, chat, bot.id, userId);
    // Someone who is not in the chat: true all the same (idempotent).
    await excludeUser(tx, emit, chat, bot.id, userId);
  },
);

const ORDER_FIELDS = ['id', 'lastSendMessageId', 'userId'] as const;

/** `order`: the first of id, lastSendMessageId, userId it names (RelationCollection order), ASC unless DESC. */
function orderArg(v: unknown): MemberOrder | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const f = ORDER_FIELDS.find((k) => o[k] !== undefined);
  if (!f) return undefined;
  return { field: f, dir: String(o[f]).toUpperCase() === 'DESC' ? 'DESC' : 'ASC' };
}

/** BaseController::getLimit: 1..200, anything else the default 50. */
const listLimit = (p: Params) => {
  const n = intArg(p, 'limit', 50);
  return n > 0 && n <= 200 ? n : 50;
};

export const chatUserList = defineV2({
  name: 'imbot.v2.Chat.User.list',
  docs: `${DOCS}/chat-user-list.md`,
  params: chatParams,
  handler: (ctx, p: Params) =>
    inBotChat(
      ctx,
      p,
      (q) => ({ order: orderArg(q.order), limit: listLimit(q) }),
      async ({ tx, chat, bot }, { order, limit }) => {
        if (!(await canRead(tx, chat, bot.id))) throw ChatAdminErrors.accessDenied();
        const users = [];
        for (const id of await listMembers(tx, chat, order, limit)) {
          const u = await tx.users.byId(id);
          if (u) users.push(userView(u));
        }
        return users;
      },
    ),
});

/** Manager.add / Manager.delete: EMPTY_USER_IDS without ids; only the owner; non-members are ignored. */
function managerMethod(name: string, doc: string, isManager: boolean) {
  return defineChatChange(
    name,
    doc,
    (q) => {
      const ids = idsArg(q, 'userIds').filter((id) => id > 0);
      if (!ids.length) throw ChatAdminErrors.emptyUserIds();
      return ids;
    },
    async ({ tx, emit, chat, bot }, ids) => {
      await requireRight(tx, chat, bot.id, 'changeManagers');
      await changeManagers(tx, emit, chat, bot.id, ids, isManager);
    },
  );
}

export const chatManagerAdd = managerMethod('imbot.v2.Chat.Manager.add', 'chat-manager-add.md', true);
export const chatManagerDelete = managerMethod('imbot.v2.Chat.Manager.delete', 'chat-manager-delete.md', false);

export const chatMemberMethods = [chatUserAdd, chatUserDelete, chatUserList, chatManagerAdd, chatManagerDelete];
