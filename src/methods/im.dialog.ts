import { canRead, chatOptions, privateKey, resolveDialog } from '../domain/messenger/chats.js';
import { notifyInputAction } from '../domain/messenger/input-actions.js';
import { readChat, unreadChat } from '../domain/messenger/reads.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { Store } from '../store/store.js';
import { fullName } from '../domain/users.js';
import { fileObjects } from '../domain/messenger/files.js';
import { withEvents } from '../events/pipeline.js';
import { imDialogView } from '../format/chat.js';
import { imMessageView } from '../format/message.js';
import { imUserView } from '../format/user.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { MethodContext } from './registry.js';
import { defineIm, dialogIdEmpty, imError, imParams, intval, isChatId, isDialogId, isset, readableDialog } from './im-common.js';

/** The chat object of im.dialog.get (also im.chat.get with DIALOG_ID) as `ctx`'s user sees it. */
export async function dialogView(ctx: MethodContext, dialogId: unknown): Promise<Record<string, unknown>> {
  const userId = ctx.auth.userId;
  return withEvents(ctx.platform, async (tx, emit) => {
    const chat = await tx.chats.withStats(await readableDialog(tx, emit, userId, dialogId));
    const members = await tx.chats.membersWithReads(chat.id);
    const names = new Map<number, string>();
    const active = new Set<number>();
    for (const m of members) {
      const u = await tx.users.byId(m.user_id);
      if (!u) continue;
      names.set(u.id, fullName(u));
      if (u.active) active.add(u.id);
    }
    const me = members.find((m) => m.user_id === userId);
    const start = me?.start_id ?? 0;
    const unread = me ? await tx.messages.unread(chat.id, userId, Math.max(me.last_read_id, start - 1)) : [];
    const last = chat.last_message_id ? await tx.messages.byId(chat.last_message_id) : undefined;
    const restrictions: Record<string, unknown> = { ...chatOptions(chat) };
    if (typeof restrictions.PATH === 'string') restrictions.PATH = restrictions.PATH.replace('#USER_ID#', String(userId));
    return imDialogView({
      chat,
      members,
      viewerId: userId,
      dialogId: String(dialogId),
      names,
      active,
      restrictions,
      counter: unread.length,
      unreadId: unread[0]?.id ?? 0,
      messageCount: await tx.messages.count(chat.id, start),
      lastMessageAuthorId: last?.author_id,
    });
  });
}

export const imDialogGet = defineIm({
  name: 'im.dialog.get',
  docs: 'api-reference/chats/im-dialog-get.md',
  params: imParams,
  handler: (ctx, p: Record<string, unknown>) => dialogView(ctx, p.DIALOG_ID),
});

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 50;

export const imDialogMessagesGet = defineIm({
  name: 'im.dialog.messages.get',
  docs: 'api-reference/chats/messages/im-dialog-messages-get.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const dialogId = intval(p.CHAT_ID) > 0 ? `chat${intval(p.CHAT_ID)}` : p.DIALOG_ID;
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await readableDialog(tx, emit, userId, dialogId);
      const digits = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v));
      let firstId: number | undefined;
      let lastId: number | undefined;
      if (isset(p.FIRST_ID)) {
        if (!digits(p.FIRST_ID)) throw imError('FIRST_ID_STRING', "First ID can't be string");
        firstId = intval(p.FIRST_ID);
      } else if (isset(p.LAST_ID)) {
        if (!digits(p.LAST_ID)) throw imError('LAST_ID_STRING', "Last ID can't be string");
        lastId = intval(p.LAST_ID);
      }
      let limit = isset(p.LIMIT) ? Math.min(intval(p.LIMIT), MAX_LIMIT) : DEFAULT_LIMIT;
      if (limit <= 0) limit = DEFAULT_LIMIT;
      const me = await tx.chats.memberWithReads(chat.id, userId);
      const startId = me?.start_id ?? 0;
      let messages: MessageRow[];
      if (firstId !== undefined) {
        // Newer than FIRST_ID, oldest first (but never before the member's history starts).
        messages = (await tx.messages.visible(chat.id, { startId, afterId: firstId, limit })).reverse();
      } else {
        const unread = me && lastId === undefined ? await tx.messages.unread(chat.id, userId, Math.max(me.last_read_id, startId - 1)) : [];
        if (unread.length > limit) {
          // Many unread: the first unread ones, then the history before them (Chat::getMessages startFromUnread).
          const fresh = await tx.messages.visible(chat.id, { startId, afterId: me!.last_read_id, limit });
          const older = await tx.messages.visible(chat.id, { startId, beforeId: unread[0].id, limit });
          messages = [...fresh, ...older];
        } else {
          // Unread messages come on top of LIMIT ("may return more messages than specified in LIMIT").
          messages = await tx.messages.visible(chat.id, { startId, beforeId: lastId || undefined, limit: limit + unread.length });
        }
      }
      const users: Record<string, unknown>[] = [];
      const seen = new Set<number>();
      for (const m of messages) {
        if (!m.author_id || seen.has(m.author_id)) continue;
        seen.add(m.author_id);
        const u = await tx.users.byId(m.author_id);
        if (u) users.push({ ...imUserView(u, { bot: await tx.bots.byId(u.id) }), idle: false, mobile_last_date: false, desktop_last_date: false });
      }
      return {
        chat_id: chat.id,
        messages: messages.map((m) => imMessageView(m, { lastReadId: me ? me.last_read_id : null })),
        users,
        files: await fileObjects(ctx.platform, tx, await tx.files.byMessages(messages.map((m) => m.id)), 'user'),
      };
    });
  },
});

/**
 * The chat a DIALOG_ID names, without creating a private dialog that does not exist yet
 * (Dialog::read / unread reach private chats through getChatWith(…, false)).
 */
async function existingDialog(tx: Store, userId: number, dialogId: unknown): Promise<ChatRow | undefined> {
  const d = String(dialogId);
  if (/^\d+$/.test(d)) return tx.chats.byPrivateKey(privateKey(userId, Number(d)));
  try {
    return await resolveDialog(tx, () => {}, userId, d);
  } catch {
    return undefined;
  }
}

/** Group counters stop at 100 in this answer (CIMChat::SetReadMessage: `COUNTER > 99 ? 100`). */
const GROUP_COUNTER_CAP = 100;

export const imDialogRead = defineIm({
  name: 'im.dialog.read',
  docs: 'api-reference/chats/messages/im-dialog-read.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const raw = isset(p.LAST_ID) ? p.LAST_ID : p.MESSAGE_ID;
    const upTo = intval(raw) > 0 ? intval(raw) : undefined;
    // 'notify' reads the notifications, of which this server keeps none.
    if (p.DIALOG_ID === 'notify') return true;
    if (!isDialogId(p.DIALOG_ID)) throw dialogIdEmpty();
    return withEvents(ctx.platform, async (tx, emit) => {
      const chat = await existingDialog(tx, userId, p.DIALOG_ID);
      // "Returns false if the user does not have access to the chat."
      if (!chat || !(await canRead(tx, chat, userId))) return false;
      const read = await readChat(tx, emit, chat, userId, upTo);
      if (!read) return false;
      const group = isChatId(p.DIALOG_ID);
      return {
        dialogId: group ? `chat${chat.id}` : intval(p.DIALOG_ID),
        chatId: chat.id,
        lastId: read.lastId,
        counter: group ? Math.min(read.counter, GROUP_COUNTER_CAP) : read.counter,
      };
    });
  },
});

export const imDialogReadAll = defineIm({
  name: 'im.dialog.read.all',
  docs: 'api-reference/chats/special-operations/im-dialog-read-all.md',
  params: imParams,
  async handler(ctx) {
    const userId = ctx.auth.userId;
    // Reader::readAll: every chat of the user read to its last message.
    await withEvents(ctx.platform, async (tx, emit) => {
      for (const chat of await tx.chats.chatsOf(userId)) await readChat(tx, emit, chat, userId);
    });
    return true;
  },
});

export const imDialogUnread = defineIm({
  name: 'im.dialog.unread',
  docs: 'api-reference/chats/messages/im-dialog-unread.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    const fromId = intval(p.MESSAGE_ID);
    if (fromId <= 0) throw imError('MESSAGE_ID_ERROR', "First unread message id can't be empty");
    if (!isDialogId(p.DIALOG_ID)) throw dialogIdEmpty();
    await withEvents(ctx.platform, async (tx, emit) => {
      const chat = await existingDialog(tx, userId, p.DIALOG_ID);
      if (chat) await unreadChat(tx, emit, chat, userId, fromId);
    });
    // Dialog::unread's answer does not depend on what happened.
    return true;
  },
});

export const imDialogWriting = defineIm({
  name: 'im.dialog.writing',
  docs: 'api-reference/chats/messages/im-dialog-writing.md',
  params: imParams,
  async handler(ctx, p: Record<string, unknown>) {
    const userId = ctx.auth.userId;
    let dialogId = p.DIALOG_ID;
    if (isset(p.DIALOG_ID)) {
      if (!isDialogId(p.DIALOG_ID)) throw dialogIdEmpty();
    } else if (isset(p.CHAT_ID)) {
      if (intval(p.CHAT_ID) <= 0) throw imError('CHAT_ID_EMPTY', "Chat ID can't be empty");
      dialogId = `chat${intval(p.CHAT_ID)}`;
    }
    const chat = dialogId === undefined || String(dialogId) === String(userId) ? undefined : await existingDialog(ctx.platform.store, userId, dialogId);
    if (!chat || !(await canRead(ctx.platform.store, chat, userId))) throw imError('ACCESS_ERROR', 'Action unavailable');
    notifyInputAction(ctx.platform, { chatId: chat.id, userId });
    return true;
  },
});

export const imDialogMethods = [imDialogGet, imDialogMessagesGet, imDialogRead, imDialogReadAll, imDialogUnread, imDialogWriting];
