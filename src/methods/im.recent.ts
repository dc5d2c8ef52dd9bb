import { chatOptions } from '../domain/messenger/chats.js';
import { colorHex } from '../domain/messenger/colors.js';
import { fullName } from '../domain/users.js';
import { dialogIdOf, imDialogView } from '../format/chat.js';
import { recentItemView } from '../format/recent.js';
import { imUserView } from '../format/user.js';
import type { Store } from '../store/store.js';
import type { MethodContext } from './registry.js';
import { defineIm, imParams, intval, isset, isY } from './im-common.js';

const DOCS = 'api-reference/chats';

interface RecentFilter {
  skipDialog: boolean;
  skipChat: boolean;
  unreadOnly: boolean;
}

/** An ISO date parameter as epoch ms; undefined when absent or unreadable (the filter is then not applied). */
function dateParam(v: unknown): number | undefined {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The caller's dialogs, most recent activity first (b_im_recent ordered by DATE_UPDATE): every chat they
 * are a member of, with the last message they may see, their unread counter and the other party or the chat.
 */
async function recentItems(store: Store, userId: number, f: RecentFilter): Promise<Record<string, unknown>[]> {
  const items: { at: number; item: Record<string, unknown> }[] = [];
  for (const bare of await store.chats.chatsOf(userId)) {
    const isChat = bare.type !== 'P';
    if ((isChat && f.skipChat) || (!isChat && f.skipDialog)) continue;
    const chat = await store.chats.withStats(bare);
    const members = await store.chats.membersWithReads(chat.id);
    const me = members.find((m) => m.user_id === userId);
    if (!me) continue;
    const start = me.start_id;
    const [lastVisible] = await store.messages.visible(chat.id, { startId: start, limit: 1 });
    const counter = (await store.messages.unread(chat.id, userId, Math.max(me.last_read_id, start - 1))).length;
    if (f.unreadOnly && counter === 0) continue;
    const dialogId = dialogIdOf(chat, members, userId);
    const readByOthers = !!lastVisible && members.some((m) => m.user_id !== userId && m.last_read_id >= lastVisible.id);
    let title = chat.title;
    let avatarUrl = chat.avatar;
    let color = colorHex(chat.color, chat.id);
    let user: Record<string, unknown> | undefined;
    let dialog: Record<string, unknown> | undefined;
    if (isChat) {
      dialog = imDialogView({
        chat,
        members,
        viewerId: userId,
        dialogId,
        names: new Map(),
        active: new Set(),
        restrictions: { ...chatOptions(chat) },
        counter,
        unreadId: 0,
        messageCount: chat.message_count,
      });
    } else {
      const other = await store.users.byId(Number(dialogId));
      if (other) {
        user = imUserView(other, { bot: await store.bots.byId(other.id) });
        title = fullName(other) || other.login;
        avatarUrl = other.avatar;
        color = colorHex(other.color, other.id);
      }
    }
    const item = recentItemView({ chat, dialogId, title, avatarUrl, color, last: lastVisible, readByOthers, viewerId: userId, counter, lastReadId: me.last_read_id, user, dialog });
    items.push({ at: Date.parse(lastVisible?.created_at ?? chat.created_at), item });
  }
  // Newest activity first; the chat id breaks ties so pages are stable.
  items.sort((a, b) => b.at - a.at || Number(b.item.chat_id) - Number(a.item.chat_id));
  return items.map((i) => i.item);
}

const filterOf = (p: Record<string, unknown>): RecentFilter => ({ skipDialog: isY(p.SKIP_DIALOG), skipChat: isY(p.SKIP_CHAT), unreadOnly: isY(p.UNREAD_ONLY) });
const dateOf = (item: Record<string, unknown>) => Date.parse(String(item.date_update));

export const imRecentList = defineIm({
  name: 'im.recent.list',
  docs: `${DOCS}/im-recent-list.md`,
  params: imParams,
  async handler(ctx: MethodContext, p: Record<string, unknown>) {
    let items = await recentItems(ctx.platform.store, ctx.auth.userId, filterOf(p));
    const before = dateParam(p.LAST_MESSAGE_DATE);
    if (before !== undefined) items = items.filter((i) => dateOf(i) < before);
    const offset = Math.max(0, intval(p.OFFSET));
    let limit = isset(p.LIMIT) ? intval(p.LIMIT) : 50;
    if (limit <= 0) limit = 50;
    limit = Math.min(limit, 200);
    const page = items.slice(offset, offset + limit);
    const hasMore = offset + page.length < items.length;
    return { items: page, hasMorePages: hasMore, hasMore, copilot: null, messagesAutoDeleteConfigs: [] };
  },
});

export const imRecentGet = defineIm({
  name: 'im.recent.get',
  docs: `${DOCS}/im-recent-get.md`,
  params: imParams,
  async handler(ctx: MethodContext, p: Record<string, unknown>) {
    // ONLY_OPENLINES: this server has no open channels, so nothing is left.
    if (isY(p.ONLY_OPENLINES)) return [];
    const items = await recentItems(ctx.platform.store, ctx.auth.userId, filterOf(p));
    const since = dateParam(p.LAST_SYNC_DATE) ?? dateParam(p.LAST_UPDATE);
    return since === undefined ? items : items.filter((i) => dateOf(i) >= since);
  },
});

export const imRecentMethods = [imRecentList, imRecentGet];
