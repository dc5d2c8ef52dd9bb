import { z } from 'zod';
import type { Avatar } from '../domain/bots/bots.js';
import {
  activeUsers,
  ChatAdminErrors,
  excludeUser,
  requireRemoveRight,
  requireRight,
  transferOwnership,
  updateChatProps,
} from '../domain/messenger/chat-admin.js';
import { chatAvatar, storeChatAvatar } from '../domain/messenger/chat-avatar.js';
import { canRead, createGroupChat, resolveDialog } from '../domain/messenger/chats.js';
import { colorCode } from '../domain/messenger/colors.js';
import type { Emit } from '../domain/messenger/events.js';
import { addMessage } from '../domain/messenger/messages.js';
import { readState } from '../domain/messenger/reads.js';
import { withEvents } from '../events/pipeline.js';
import { chatView } from '../format/chat.js';
import { userView } from '../format/user.js';
import type { BareBotRow } from '../store/repos/bots.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { Store } from '../store/store.js';
import type { MethodContext } from './registry.js';
import { botAuthShape, defineV2, field, intArg, ownedBot, stringArg } from './v2-common.js';

const DOCS = 'api-reference/chat-bots/chat-bots-v2/imbot.v2/chats';

type Params = Record<string, unknown>;

/** Parameters are read name by name (BotController binds them case-sensitively; `fields` keys in either case). */
export const chatParams = z.object(botAuthShape).passthrough();

/** A call's bot, the chat its `dialogId` names, and the transaction (with its events) the call runs in. */
export interface BotChat {
  tx: Store;
  emit: Emit;
  chat: ChatRow;
  bot: BareBotRow;
}

/**
 * Runs a chat call as BotController does: the bot checks first, then the arguments (`parse`, binder
 * errors), then `dialogId` resolved as the bot means it, all in one transaction.
 */
export async function inBotChat<A, T>(ctx: MethodContext, p: Params, parse: (p: Params) => A, fn: (c: BotChat, args: A) => Promise<T>): Promise<T> {
  const { bot } = await ownedBot(ctx, p);
  const dialogId = stringArg(p, 'dialogId');
  const args = parse(p);
  return withEvents(ctx.platform, async (tx, emit) => fn({ tx, emit, chat: await resolveDialog(tx, emit, bot.id, dialogId), bot }, args));
}

const noArgs = () => undefined;

/**
 * A chat-changing method (Chat.update / leave / setOwner, Chat.User.add / delete, Chat.Manager.*): the
 * checks of `inBotChat` with the parsed arguments, then `change` (its rights check first); `{result: true}`.
 */
export function defineChatChange<A>(
  name: string,
  doc: string,
  parse: (p: Params) => A,
  change: (c: BotChat, args: A, ctx: MethodContext) => Promise<unknown>,
) {
  return defineV2({
    name,
    docs: `${DOCS}/${doc}`,
    params: chatParams,
    handler: (ctx, p: Params) =>
      inBotChat(ctx, p, parse, async (c, args) => {
        await change(c, args, ctx);
        return { result: true };
      }),
  });
}

/**
 * An `integer[]` argument (`userIds`): a JSON array, a form list (`userIds[]=1` or `userIds[0]=1`), or
 * one id. Entries that are not ids become 0 (no user); absent is `[]`.
 */
export function idsArg(p: Params, name: string): number[] {
  const v = p[name];
  if (v === undefined || v === null || v === '') return [];
  const list = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v as object) : [v];
  return list.map((x) => (typeof x === 'number' ? Math.trunc(x) : typeof x === 'string' && /^\s*\d+\s*$/.test(x) ? Number(x) : 0));
}

const fieldsOf = (p: Params) => (p.fields && typeof p.fields === 'object' && !Array.isArray(p.fields) ? (p.fields as Params) : {});

const textField = (f: Params, name: string): string | undefined => {
  const v = field(f, name);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
};

/** `fields.avatar`: a Base64 image (AVATAR_ERROR for anything else), '' to remove it, absent to leave it. */
function avatarField(f: Params): Avatar | '' | undefined {
  const v = field(f, 'avatar');
  if (v === undefined || v === null) return undefined;
  return v === '' ? '' : chatAvatar(v);
}

/** The Chat object as the bot sees it (with the per-user and method-only fields, its first unread message too). */
async function chatObject(store: Store, chat: ChatRow, botId: number, isNew = false) {
  const { unreadId } = await readState(store, chat.id, botId);
  return chatView(await store.chats.withStats(chat), { viewerId: botId, members: await store.chats.membersWithReads(chat.id), isNew, unreadId });
}

export const chatAdd = defineV2({
  name: 'imbot.v2.Chat.add',
  docs: `${DOCS}/chat-add.md`,
  params: chatParams,
  async handler(ctx, p: Params) {
    const { bot } = await ownedBot(ctx, p);
    const f = fieldsOf(p);
    const avatar = avatarField(f) || undefined;
    const rawUsers = field(f, 'userIds');
    const userIds = idsArg({ userIds: rawUsers }, 'userIds');
    const ownerRaw = field(f, 'ownerId');
    const message = textField(f, 'message')?.trim();
    return withEvents(ctx.platform, async (tx, emit) => {
      // An owner that is not an active user (or not an id at all) is ignored: the bot keeps the chat.
      const [owner] = await activeUsers(tx, idsArg({ ownerId: ownerRaw }, 'ownerId').slice(0, 1));
      const ownerId = owner ?? bot.id;
      let chat = await createGroupChat(tx, emit, {
        ownerId,
        actorId: bot.id,
        title: textField(f, 'title')?.trim() || undefined,
        description: textField(f, 'description')?.trim(),
        // Not given or not a palette colour: assigned automatically.
        color: colorCode(field(f, 'color')),
        memberIds: [...(await activeUsers(tx, userIds)), bot.id, ownerId],
        notes: true,
      });
      if (avatar) await tx.chats.update(chat.id, { avatar: storeChatAvatar(ctx.platform, chat.id, avatar) });
      if (message) await addMessage(tx, emit, { chat, authorId: bot.id, text: message });
      chat = (await tx.chats.byId(chat.id))!;
      const users = [];
      for (const m of await tx.chats.members(chat.id)) {
        const u = m.user_id === bot.id ? undefined : await tx.users.byId(m.user_id);
        if (u) users.push(userView(u));
      }
      return { chat: await chatObject(tx, chat, bot.id, true), users };
    });
  },
});

export const chatGet = defineV2({
  name: 'imbot.v2.Chat.get',
  docs: `${DOCS}/chat-get.md`,
  params: chatParams,
  handler: (ctx, p: Params) =>
    inBotChat(ctx, p, noArgs, async ({ tx, chat, bot }) => {
      // CheckEntityAccess: members, and anyone for an open chat.
      if (!(await canRead(tx, chat, bot.id))) throw ChatAdminErrors.accessDenied();
      return { chat: await chatObject(tx, chat, bot.id) };
    }),
});

export const chatUpdate = defineChatChange(
  'imbot.v2.Chat.update',
  'chat-update.md',
  (q) => ({ f: fieldsOf(q), avatar: avatarField(fieldsOf(q)) }),
  async ({ tx, emit, chat, bot }, { f, avatar }, ctx) => {
    await requireRight(tx, chat, bot.id, 'update');
    const color = field(f, 'color');
    await updateChatProps(tx, emit, chat, bot.id, {
      title: textField(f, 'title'),
      description: textField(f, 'description'),
      // A colour outside the palette is ignored (the chat keeps its colour).
      color: color === undefined ? undefined : colorCode(color),
      avatar: avatar === undefined || avatar === '' ? avatar : storeChatAvatar(ctx.platform, chat.id, avatar),
    });
  },
);

export const chatLeave = defineChatChange('imbot.v2.Chat.leave', 'chat-leave.md', noArgs, async ({ tx, emit, chat, bot }) => {
  await requireRemoveRight(tx, chat, bot.id, bot.id);
  await excludeUser(tx, emit, chat, bot.id, bot.id);
});

export const chatSetOwner = defineChatChange(
  'imbot.v2.Chat.setOwner',
  'chat-set-owner.md',
  (q) => intArg(q, 'userId'),
  async ({ tx, emit, chat, bot }, userId) => {
    await requireRight(tx, chat, bot.id, 'changeOwner');
    await transferOwnership(tx, emit, chat, bot.id, userId);
  },
);

export const chatMethods = [chatAdd, chatGet, chatUpdate, chatLeave, chatSetOwner];
