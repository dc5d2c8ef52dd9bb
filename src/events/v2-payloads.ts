import { applicationToken, issueTokens, tokenPayload } from '../domain/apps.js';
import { viewedByOthers } from '../domain/messenger/reads.js';
import { type Platform, portalDomain, restEndpoint } from '../domain/platform.js';
import { botView } from '../format/bot.js';
import { chatView } from '../format/chat.js';
import { messageView } from '../format/message.js';
import { userView } from '../format/user.js';
import type { Store } from '../store/store.js';
import type { BotEvent } from './routing.js';

/**
 * The `data` of an ONIMBOTV2* event (imbot.v2/events/events.md) as `bot` sees it: private
 * `dialogId`s name the other party; the chat has no per-user fields. The `bot` object is added by the caller.
 */
export async function v2EventData(store: Store, ev: BotEvent): Promise<Record<string, unknown> | undefined> {
  const e = ev.source;
  if (e.kind === 'bot.deleted') return {};
  const chat = await store.chats.byId(e.chatId);
  if (!chat) return undefined;
  const members = await store.chats.members(chat.id);
  const chatObj = chatView(chat, { viewerId: ev.bot.id, members, inEvent: true });
  const userOf = async (id: number) => {
    const u = await store.users.byId(id);
    return u ? userView(u, { inEvent: true }) : null;
  };
  const language = ev.bot.language || 'en';
  switch (e.kind) {
    case 'message.added':
    case 'message.updated':
    case 'command.pressed': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return undefined;
      const data: Record<string, unknown> = {};
      if (ev.command) data.command = ev.command;
      // A message added in this transaction is its chat's newest, and view marks never pass the last
      // message (readChat): nobody else can have seen it yet.
      const viewed = e.kind !== 'message.added' && (await viewedByOthers(store, message.chat_id, [message])).has(message.id);
      Object.assign(data, {
        message: messageView(message, { viewedByOthers: viewed }),
        chat: chatObj,
        user: await userOf(e.kind === 'command.pressed' ? e.userId : message.author_id),
        language,
      });
      return data;
    }
    case 'message.deleted':
      return { messageId: e.messageId, chat: chatObj, user: await userOf(e.authorId), language };
    case 'chat.joined':
      return { dialogId: chatObj.dialogId, chat: chatObj, user: await userOf(e.byUserId), language };
    case 'reaction.changed': {
      const message = await store.messages.byId(e.messageId);
      if (!message) return undefined;
      const viewed = await viewedByOthers(store, message.chat_id, [message]);
      return {
        reaction: e.reaction,
        action: e.action,
        message: messageView(message, { viewedByOthers: viewed.has(message.id) }),
        chat: chatObj,
        user: await userOf(e.userId),
        language,
      };
    }
    case 'bot.contextGet':
      // dialogId as the bot answers it: the person who opened a private dialog, `chat<N>` otherwise.
      return { dialogId: chatObj.dialogId, context: e.context, chat: chatObj, user: await userOf(e.userId), language };
  }
}

/** `data.bot` of a webhook event: `{id, code, auth}` with tokens for callbacks (events.md "Bot Object Format"). */
export async function webhookBotBlock(p: Platform, store: Store, ev: BotEvent): Promise<Record<string, unknown>> {
  const base = {
    domain: portalDomain(p),
    server_endpoint: restEndpoint(p),
    client_endpoint: restEndpoint(p),
    member_id: p.memberId,
  };
  let auth: Record<string, unknown>;
  const app = ev.bot.app_id ? await store.apps.byId(ev.bot.app_id) : undefined;
  if (app) {
    const issuer = { ...p, store };
    auth = { ...tokenPayload(issuer, app, await issueTokens(issuer, app, ev.bot.id)), application_token: applicationToken(p, app) };
  } else {
    // Bots owned by a botToken have no application: no OAuth tokens, the owner key verifies the call.
    auth = { ...base, scope: 'imbot', status: 'L', user_id: ev.bot.id, application_token: p.box.open(ev.bot.owner_sealed) };
  }
  return { id: ev.bot.id, code: ev.bot.code, auth };
}

/** Top-level `auth` of a webhook POST: the request's own credentials (application_token verifies the sender). */
export async function webhookTopAuth(p: Platform, store: Store, ev: BotEvent): Promise<Record<string, unknown>> {
  const app = ev.bot.app_id ? await store.apps.byId(ev.bot.app_id) : undefined;
  return {
    domain: portalDomain(p),
    client_endpoint: restEndpoint(p),
    server_endpoint: restEndpoint(p),
    member_id: p.memberId,
    application_token: app ? applicationToken(p, app) : p.box.open(ev.bot.owner_sealed),
  };
}

export const fullBotObject = (ev: BotEvent) => botView(ev.bot, true);
