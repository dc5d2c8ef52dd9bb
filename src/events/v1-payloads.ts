import { applicationToken, issueTokens, tokenPayload } from '../domain/apps.js';
import type { DomainEvent } from '../domain/messenger/events.js';
import { mentionedUserIds } from '../domain/messenger/text.js';
import { type Platform, portalDomain, restEndpoint } from '../domain/platform.js';
import type { AppRow } from '../store/repos/apps.js';
import type { BotRow } from '../store/repos/bots.js';
import type { ChatRow, MemberRow } from '../store/repos/chats.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { Store } from '../store/store.js';
import { unixNow } from '../util/time.js';
import type { BotEvent } from './routing.js';

/**
 * imbot v1 events (chat-bots/outdated/**, CIMRestService::onBotMessageAdd & co.): form-encoded POSTs to
 * the handler URLs a bot registered with imbot.register (EVENT_MESSAGE_ADD, …) or a command with
 * imbot.command.register (EVENT_COMMAND_ADD). One POST per handler URL per event carries every bot
 * of the owner it concerns: `data[BOT][<botId>]` (or `data[COMMAND][<commandId>]`) with that bot's
 * own token set, plus `data[PARAMS]` (the message fields) and `data[USER]` (the author).
 */

type Obj = Record<string, unknown>;
/** v1 has no reaction event (Bot::onReactionChange fires no v1 REST event). */
type V1Type = Exclude<BotEvent['type'], 'REACTIONCHANGE'>;

export const V1_EVENT_NAMES: Record<V1Type, string> = {
  MESSAGEADD: 'ONIMBOTMESSAGEADD',
  MESSAGEUPDATE: 'ONIMBOTMESSAGEUPDATE',
  MESSAGEDELETE: 'ONIMBOTMESSAGEDELETE',
  JOINCHAT: 'ONIMBOTJOINCHAT',
  DELETE: 'ONIMBOTDELETE',
  COMMANDADD: 'ONIMCOMMANDADD',
  CONTEXTGET: 'ONIMBOTCONTEXTGET',
};

/** The `bots.handlers` key of each event (imbot.register's EVENT_* parameters). */
export const V1_HANDLER_KEYS: Record<Exclude<V1Type, 'COMMANDADD'>, string> = {
  MESSAGEADD: 'EVENT_MESSAGE_ADD',
  MESSAGEUPDATE: 'EVENT_MESSAGE_UPDATE',
  MESSAGEDELETE: 'EVENT_MESSAGE_DELETE',
  JOINCHAT: 'EVENT_WELCOME_MESSAGE',
  DELETE: 'EVENT_BOT_DELETE',
  CONTEXTGET: 'EVENT_CONTEXT_GET',
};

export interface V1Post {
  /** The first bot of the POST (the delivery log's bot). */
  botId: number;
  event: string;
  url: string;
  payload: Obj;
}

function handlersOf(bot: BotRow): Obj {
  try {
    const h = JSON.parse(bot.handlers || '{}');
    return h && typeof h === 'object' ? h : {};
  } catch {
    return {};
  }
}

/** Where a v1 event for this bot goes: the bot's handler for it, or the command's own EVENT_COMMAND_ADD; '' when unbound. */
async function handlerUrl(store: Store, ev: BotEvent): Promise<string> {
  if (ev.type === 'REACTIONCHANGE') return '';
  if (ev.type === 'COMMANDADD') {
    const cmd = ev.command ? await store.commands.byId(ev.command.id) : undefined;
    return cmd?.event_url ?? '';
  }
  const url = handlersOf(ev.bot)[V1_HANDLER_KEYS[ev.type]];
  return typeof url === 'string' ? url.trim() : '';
}

/** Who caused the event (the user on whose behalf the top-level `auth` is issued). */
function actorOf(e: DomainEvent): number {
  switch (e.kind) {
    case 'message.added':
    case 'message.updated':
    case 'message.deleted':
      return e.authorId;
    case 'chat.joined':
    case 'chat.left':
    case 'chat.updated':
      return e.byUserId;
    case 'command.pressed':
    case 'chat.read':
    case 'reaction.changed':
    case 'chat.inputAction':
    case 'bot.contextGet':
      return e.userId;
    case 'bot.deleted':
      return e.byUserId ?? 0;
  }
}

/** Who a message reaches, in the v1 PARAMS: member count, mentions, and in group chats the original text and first mention. */
function audienceFields(out: Record<string, unknown>, text: string, memberCount: number, isPrivate: boolean): void {
  const mentions = mentionedUserIds(text);
  out.CHAT_USER_COUNT = memberCount;
  if (!isPrivate && mentions.length) out.MENTIONED_LIST = Object.fromEntries(mentions.map((id) => [id, id]));
  out.PLATFORM_CONTEXT = 'web';
  if (!isPrivate) {
    out.MESSAGE_ORIGINAL = text;
    out.TO_USER_ID = mentions[0] ?? 0;
  }
}

const yn = (b: unknown) => (b ? 'Y' : 'N');

/** Palette code as the v1 API names colours: `lightBlue` → `LIGHT_BLUE`. */
const v1Color = (code: string) => code.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** MESSAGE of a group-chat event: every `[USER=n]…[/USER]` (and a comma right after it) removed, trimmed. */
export function stripMentions(text: string): string {
  return text.replace(/\[USER=\d+(?:\s[^\]]*)?\][\s\S]*?\[\/USER\],?/gi, '').trim();
}

/** "Message from 02/26/2026 09:27:30 has been deleted": the text a deleted message is left with. */
function deletedText(m: MessageRow): string {
  const d = new Date(m.created_at);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = Number.isNaN(d.getTime())
    ? m.created_at
    : `${p(d.getMonth() + 1)}/${p(d.getDate())}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return `Message from ${stamp} has been deleted`;
}

interface Ctx {
  store: Store;
  chat: ChatRow;
  members: MemberRow[];
  language: string;
}

async function userBlock(store: Store, id: number, flags: boolean): Promise<Obj> {
  if (id <= 0) return {};
  const u = await store.users.byId(id);
  if (!u) return {};
  const block: Obj = {
    ID: u.id,
    NAME: [u.name, u.last_name].filter(Boolean).join(' '),
    FIRST_NAME: u.name,
    LAST_NAME: u.last_name,
    WORK_POSITION: u.work_position,
    GENDER: u.personal_gender === 'M' || u.personal_gender === 'F' ? u.personal_gender : '',
  };
  if (flags) Object.assign(block, { IS_BOT: yn(u.external_auth_id === 'bot'), IS_CONNECTOR: 'N', IS_NETWORK: 'N', IS_EXTRANET: 'N' });
  return block;
}

/** The chat fields of a group chat's message (CIMMessenger's CHAT_* set). */
async function groupChatFields(c: Ctx, messageId: number, authorId: number, withBots: boolean): Promise<Obj> {
  const { chat, members } = c;
  const prev = messageId ? (await c.store.messages.history(chat.id, { beforeId: messageId, limit: 1 }))[0] : undefined;
  const author = members.find((m) => m.user_id === authorId);
  const fields: Obj = {
    CHAT_ID: chat.id,
    CHAT_PARENT_ID: 0,
    CHAT_PARENT_MID: 0,
    CHAT_TITLE: chat.title,
    CHAT_AUTHOR_ID: chat.author_id,
    CHAT_TYPE: chat.type,
    CHAT_AVATAR: chat.avatar || '0',
    CHAT_COLOR: v1Color(chat.color),
    CHAT_ENTITY_TYPE: chat.entity_type,
    CHAT_ENTITY_ID: chat.entity_id,
    CHAT_ENTITY_DATA_1: chat.entity_data_1,
    CHAT_ENTITY_DATA_2: chat.entity_data_2,
    CHAT_ENTITY_DATA_3: chat.entity_data_3,
    CHAT_EXTRANET: 'N',
    CHAT_PREV_MESSAGE_ID: prev?.id ?? 0,
    CHAT_CAN_POST: 'MEMBER',
    RID: authorId,
    IS_MANAGER: yn(author?.role === 'manager'),
  };
  if (withBots) {
    const bots = await c.store.bots.byIds(members.map((m) => m.user_id));
    if (bots.length) fields.BOT_IN_CHAT = Object.fromEntries(bots.map((b) => [b.id, b.id]));
  }
  return fields;
}

interface SentMessage {
  id: number;
  text: string;
  authorId: number;
  templateId: string;
  system: boolean;
  params: Obj;
  skipCommand?: boolean;
}

const sentOf = (m: MessageRow, skipCommand?: boolean): SentMessage => ({
  id: m.id,
  text: m.text,
  authorId: m.author_id,
  templateId: m.template_id ?? m.uuid,
  system: !!m.is_system,
  params: JSON.parse(m.params || '{}'),
  skipCommand,
});

/**
 * `data[PARAMS]` of ONIMBOTMESSAGEADD and ONIMCOMMANDADD (MessageEventLegacy): the sent message's
 * fields; in group chats the chat's fields, MESSAGE without mentions and MESSAGE_ORIGINAL as written.
 */
async function sentParams(c: Ctx, m: SentMessage, kind: 'message' | 'command' | 'keyboard'): Promise<Obj> {
  const { chat } = c;
  const isPrivate = chat.type === 'P';
  const other = c.members.find((x) => x.user_id !== m.authorId)?.user_id ?? m.authorId;
  const out: Obj = {
    MESSAGE: kind === 'message' && !isPrivate ? stripMentions(m.text) : m.text,
  };
  if (m.templateId) out.TEMPLATE_ID = m.templateId;
  Object.assign(out, {
    MESSAGE_TYPE: chat.type,
    FROM_USER_ID: m.authorId,
    DIALOG_ID: isPrivate ? String(m.authorId) : `chat${chat.id}`,
    TO_CHAT_ID: chat.id,
    AUTHOR_ID: m.authorId,
    SYSTEM: yn(m.system),
  });
  if (Object.keys(m.params).length) out.PARAMS = m.params;
  if (isPrivate) out.TO_USER_ID = other;
  else Object.assign(out, await groupChatFields(c, m.id, m.authorId, kind !== 'message'));
  if (kind !== 'message') out.SKIP_USER_CHECK = 'Y';
  out.PUSH = 'Y';
  out.PUSH_IMPORTANT = 'N';
  if (kind !== 'message') out.RECENT_ADD = 'Y';
  Object.assign(out, {
    RECENT_SKIP_AUTHOR: 'N',
    CONVERT: 'N',
    SKIP_COMMAND: yn(m.skipCommand),
    SKIP_COUNTER_INCREMENTS: 'N',
    SILENT_CONNECTOR: 'N',
    SKIP_CONNECTOR: 'N',
    IMPORTANT_CONNECTOR: 'N',
    NO_SESSION_OL: 'N',
    FAKE_RELATION: 0,
    SKIP_URL_INDEX: 'N',
  });
  if (kind === 'message') {
    out.COMMAND_CONTEXT = 'TEXTAREA';
    audienceFields(out, m.text, c.members.length, isPrivate);
  }
  if (kind === 'keyboard') out.COMMAND_CONTEXT = 'KEYBOARD';
  out.MESSAGE_ID = m.id;
  out.CHAT_TYPE = chat.type;
  out.LANGUAGE = c.language;
  return out;
}

/** `data[PARAMS]` of ONIMBOTMESSAGEUPDATE / ONIMBOTMESSAGEDELETE (the pages' field order). */
function changedParams(c: Ctx, m: MessageRow, deleted: boolean): Obj {
  const { chat } = c;
  const isPrivate = chat.type === 'P';
  const out: Obj = {
    ID: m.id,
    CHAT_ID: chat.id,
    AUTHOR_ID: m.author_id,
    MESSAGE: deleted ? deletedText(m) : isPrivate ? m.text : stripMentions(m.text),
    MESSAGE_TYPE: chat.type,
    CHAT_AUTHOR_ID: chat.author_id,
  };
  if (!isPrivate) out.CHAT_ENTITY_TYPE = chat.entity_type;
  Object.assign(out, {
    CHAT_ENTITY_ID: chat.entity_id,
    CHAT_ENTITY_DATA_1: chat.entity_data_1,
    CHAT_ENTITY_DATA_2: chat.entity_data_2,
    CHAT_ENTITY_DATA_3: chat.entity_data_3,
  });
  if (isPrivate) {
    out.FROM_USER_ID = m.author_id;
    out.TO_USER_ID = c.members.find((x) => x.user_id !== m.author_id)?.user_id ?? m.author_id;
  }
  if (!deleted) audienceFields(out, m.text, c.members.length, isPrivate);
  Object.assign(out, {
    DIALOG_ID: isPrivate ? String(m.author_id) : `chat${chat.id}`,
    MESSAGE_ID: m.id,
    CHAT_TYPE: chat.type,
    LANGUAGE: c.language,
  });
  return out;
}

/** `data[PARAMS]` of ONIMBOTJOINCHAT for `bot` (the join fields, DIALOG_ID and LANGUAGE). */
function joinParams(c: Ctx, bot: BotRow, byUserId: number): Obj {
  const { chat } = c;
  if (chat.type === 'P') {
    const human = c.members.find((m) => m.user_id !== bot.id)?.user_id ?? byUserId;
    return {
      CHAT_TYPE: 'P',
      MESSAGE_TYPE: 'P',
      BOT_ID: bot.id,
      USER_ID: byUserId,
      TO_USER_ID: human,
      FROM_USER_ID: bot.id,
      DIALOG_ID: String(human),
      LANGUAGE: c.language,
    };
  }
  const member = c.members.find((m) => m.user_id === bot.id);
  return {
    CHAT_TYPE: chat.type,
    MESSAGE_TYPE: chat.type,
    BOT_ID: bot.id,
    USER_ID: byUserId,
    CHAT_ID: chat.id,
    CHAT_AUTHOR_ID: chat.author_id,
    CHAT_ENTITY_TYPE: chat.entity_type,
    CHAT_ENTITY_ID: chat.entity_id,
    ACCESS_HISTORY: member && member.start_id > 0 ? 0 : 1,
    DIALOG_ID: `chat${chat.id}`,
    LANGUAGE: c.language,
  };
}

interface Owner {
  app?: AppRow;
  /** auth[application_token]: the app's token, or the raw CLIENT_ID of a webhook-registered bot. */
  applicationToken: string;
}

async function ownerOf(p: Platform, store: Store, bot: BotRow): Promise<Owner> {
  const app = bot.app_id ? await store.apps.byId(bot.app_id) : undefined;
  if (app) return { app, applicationToken: applicationToken(p, app) };
  return { applicationToken: p.box.open(bot.owner_sealed).replace(/^custom/, '') };
}

/** A bot's own token set (Sender::getAuth for the bot user), flat and again under AUTH; empty for webhook bots. */
async function botAuth(p: Platform, store: Store, owner: Owner, bot: BotRow): Promise<Obj> {
  if (!owner.app) return {};
  const issuer = { ...p, store };
  const t = tokenPayload(issuer, owner.app, await issueTokens(issuer, owner.app, bot.id));
  const auth = {
    access_token: t.access_token,
    expires: t.expires,
    expires_in: t.expires_in,
    scope: t.scope,
    domain: t.domain,
    server_endpoint: t.server_endpoint,
    status: t.status,
    client_endpoint: t.client_endpoint,
    member_id: t.member_id,
    refresh_token: t.refresh_token,
    user_id: t.user_id,
    client_id: owner.app.client_id,
    application_token: owner.applicationToken,
  };
  return { ...auth, AUTH: auth };
}

/** Top-level `auth`: tokens of the user who caused the event (apps), or just the portal and the CLIENT_ID (webhook bots). */
async function topAuth(p: Platform, store: Store, owner: Owner, actorId: number): Promise<Obj> {
  const actor = actorId > 0 ? await store.users.byId(actorId) : undefined;
  if (owner.app && actor?.active) {
    const issuer = { ...p, store };
    return { ...tokenPayload(issuer, owner.app, await issueTokens(issuer, owner.app, actorId)), application_token: owner.applicationToken };
  }
  return {
    domain: portalDomain(p),
    client_endpoint: restEndpoint(p),
    server_endpoint: restEndpoint(p),
    member_id: p.memberId,
    application_token: owner.applicationToken,
  };
}

async function handlerId(store: Store, owner: Owner, event: string, url: string, fallback: number): Promise<number> {
  if (!owner.app) return fallback;
  const rows = await store.eventBindings.find({ appId: owner.app.id, event });
  return (rows.find((r) => r.handler === url) ?? rows[0])?.id ?? fallback;
}

/**
 * The v1 POSTs for the bot events one domain event caused. Bots are grouped by type, owner and
 * handler URL (several bots of one app share a POST); JOINCHAT and DELETE are per bot, as the
 * platform raises them per bot. Bots whose handler is not bound, bots in FETCH mode and apps whose
 * installation is not finished get nothing.
 */
export async function v1Posts(p: Platform, store: Store, e: DomainEvent, evs: BotEvent[]): Promise<V1Post[]> {
  const groups = new Map<string, { type: V1Type; url: string; evs: BotEvent[] }>();
  for (const ev of evs) {
    if (ev.bot.event_mode === 'fetch' || ev.type === 'REACTIONCHANGE') continue;
    const url = await handlerUrl(store, ev);
    if (!url) continue;
    const perBot = ev.type === 'JOINCHAT' || ev.type === 'DELETE' ? `|${ev.bot.id}` : '';
    const key = `${ev.type}|${ev.bot.owner_hash}|${url}${perBot}`;
    const g = groups.get(key) ?? { type: ev.type, url, evs: [] };
    g.evs.push(ev);
    groups.set(key, g);
  }
  const posts: V1Post[] = [];
  for (const g of groups.values()) {
    const first = g.evs[0].bot;
    const owner = await ownerOf(p, store, first);
    if (owner.app && (!owner.app.installed || !owner.app.active)) continue;
    const data = await v1Data(p, store, e, g.type, g.evs, owner);
    if (!data) continue;
    const event = V1_EVENT_NAMES[g.type];
    posts.push({
      botId: first.id,
      event,
      url: g.url,
      payload: {
        event,
        event_handler_id: await handlerId(store, owner, event, g.url, first.id),
        data,
        ts: unixNow(),
        auth: await topAuth(p, store, owner, actorOf(e)),
      },
    });
  }
  return posts;
}

async function v1Data(p: Platform, store: Store, e: DomainEvent, type: V1Type, evs: BotEvent[], owner: Owner): Promise<Obj | undefined> {
  if (e.kind === 'bot.deleted') return { BOT_ID: e.bot.id, BOT_CODE: e.bot.code };
  const chat = await store.chats.byId(e.chatId);
  if (!chat) return undefined;
  const c: Ctx = { store, chat, members: await store.chats.members(chat.id), language: evs[0].bot.language || 'en' };
  const botBlocks = async () => {
    const out: Obj = {};
    for (const ev of evs) out[ev.bot.id] = { ...(await botAuth(p, store, owner, ev.bot)), BOT_ID: ev.bot.id, BOT_CODE: ev.bot.code };
    return out;
  };

  switch (e.kind) {
    case 'message.added': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return undefined;
      const sent = sentOf(message, e.skipCommands);
      if (type === 'COMMANDADD') {
        return { COMMAND: await commandBlocks(p, store, owner, evs, message.id), PARAMS: await sentParams(c, sent, 'command'), USER: await userBlock(store, message.author_id, false) };
      }
      return { BOT: await botBlocks(), PARAMS: await sentParams(c, sent, 'message'), USER: await userBlock(store, message.author_id, true) };
    }
    case 'command.pressed': {
      const cmd = evs[0].command!;
      const sent: SentMessage = {
        id: e.messageId,
        text: `${cmd.command} ${cmd.params}`.trim(),
        authorId: e.userId,
        templateId: '',
        system: false,
        params: {},
      };
      return { COMMAND: await commandBlocks(p, store, owner, evs, e.messageId), PARAMS: await sentParams(c, sent, 'keyboard'), USER: await userBlock(store, e.userId, false) };
    }
    case 'message.updated': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return undefined;
      const params = changedParams(c, message, false);
      return { BOT: await botBlocks(), PARAMS: params, USER: params.FROM_USER_ID ? await userBlock(store, message.author_id, true) : {} };
    }
    case 'message.deleted': {
      const params = changedParams(c, e.snapshot, true);
      return { BOT: await botBlocks(), PARAMS: params, USER: params.FROM_USER_ID ? await userBlock(store, e.authorId, true) : {} };
    }
    case 'chat.joined':
      return { BOT: await botBlocks(), PARAMS: joinParams(c, evs[0].bot, e.byUserId), USER: await userBlock(store, e.byUserId, false) };
    case 'bot.contextGet':
      // CIMRestService::onBotContextGet: im.v2.Chat.Bot.sendContext's chat fields, CONTEXT, DIALOG_ID as the opener sees it.
      return {
        BOT: await botBlocks(),
        PARAMS: {
          CHAT_TYPE: chat.type,
          MESSAGE_TYPE: chat.type,
          USER_ID: e.userId,
          CHAT_AUTHOR_ID: chat.author_id,
          CHAT_ENTITY_TYPE: chat.entity_type,
          CHAT_ENTITY_ID: chat.entity_id,
          CONTEXT: e.context,
          DIALOG_ID: chat.type === 'P' ? String(e.userId) : `chat${chat.id}`,
          LANGUAGE: c.language,
        },
        USER: await userBlock(store, e.userId, false),
      };
  }
}

/** `data[COMMAND][<commandId>]`: the bot's token set plus the command that ran. */
async function commandBlocks(p: Platform, store: Store, owner: Owner, evs: BotEvent[], messageId: number): Promise<Obj> {
  const out: Obj = {};
  for (const ev of evs) {
    const cmd = ev.command!;
    out[cmd.id] = {
      ...(await botAuth(p, store, owner, ev.bot)),
      BOT_ID: ev.bot.id,
      BOT_CODE: ev.bot.code,
      COMMAND: cmd.command.replace(/^\//, ''),
      COMMAND_ID: cmd.id,
      COMMAND_PARAMS: cmd.params,
      COMMAND_CONTEXT: cmd.context.toUpperCase(),
      MESSAGE_ID: messageId,
    };
  }
  return out;
}
