import { chatOptions } from '../domain/messenger/chats.js';
import { fullName } from '../domain/users.js';
import { withEvents } from '../events/pipeline.js';
import { imDialogView } from '../format/chat.js';
import { imMessageView } from '../format/message.js';
import { imUserView } from '../format/user.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { MethodContext } from './registry.js';
import { defineIm, imError, imParams, intval, isset, readableDialog } from './im-common.js';

/** The chat object of im.dialog.get (also im.chat.get with DIALOG_ID) as `ctx`'s user sees it. */
export async function dialogView(ctx: MethodContext, dialogId: unknown): Promise<Record<string, unknown>> {
  const userId = ctx.auth.userId;
  return withEvents(ctx.platform, async (tx, emit) => {
    const chat = await readableDialog(tx, emit, userId, dialogId);
    const members = await tx.chats.members(chat.id);
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
      const me = await tx.chats.member(chat.id, userId);
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
        files: [],
      };
    });
  },
});

export const imDialogMethods = [imDialogGet, imDialogMessagesGet];
