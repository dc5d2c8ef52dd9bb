import { sql } from 'kysely';
import { createApp, findApp } from '../domain/apps.js';
import { ApiError } from '../domain/errors.js';
import type { Platform } from '../domain/platform.js';
import { expandScopes } from '../domain/scopes.js';
import { createUser, fullName } from '../domain/users.js';
import { createWebhook, webhookSecret } from '../domain/webhooks.js';
import { installApp } from '../events/app-install.js';
import { credentialsChanged } from '../store/credentials-version.js';

/**
 * The console's Resources pages: what exists in the portal, in the console's own (not Bitrix's) shape.
 * Secrets are never listed: a webhook's URL can be copied (it is the credential the admin hands out),
 * an application's client secret is shown once, when it is created.
 */
export const ResourceErrors = {
  webhookNotFound: (id: number) => new ApiError('WEBHOOK_NOT_FOUND', `No webhook ${id}`),
  botNotFound: (id: number) => new ApiError('BOT_NOT_FOUND', `No bot ${id}`),
  invalid: (why: string) => new ApiError('INVALID_REQUEST', why),
};

const hookUrl = (p: Platform, userId: number, secret: string) => `${p.config.publicUrl}/rest/${userId}/${secret}/`;

export async function listUsers(p: Platform) {
  const users = await p.store.users.list();
  return users.map((u) => ({ id: u.id, login: u.login, name: fullName(u), email: u.email, admin: !!u.is_admin, active: !!u.active, kind: u.external_auth_id || 'user', createdAt: u.created_at }));
}

export async function addUser(p: Platform, body: Record<string, unknown>) {
  if (typeof body.name !== 'string' || !body.name.trim()) throw ResourceErrors.invalid('name is required');
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const u = await createUser(p.store, { name: body.name.trim(), lastName: s('lastName'), login: s('login'), email: s('email'), password: s('password'), isAdmin: body.admin === true });
  return { id: u.id, login: u.login };
}

export async function listWebhooks(p: Platform) {
  const hooks = await p.store.webhooks.list();
  return hooks.map((h) => ({
    id: h.id,
    userId: h.user_id,
    title: h.title,
    scopes: expandScopes(h.scopes),
    active: !!h.active,
    url: h.active ? hookUrl(p, h.user_id, webhookSecret(p.box, h)) : undefined,
    createdAt: h.created_at,
    lastUsedAt: h.last_used_at,
  }));
}

export async function addWebhook(p: Platform, body: Record<string, unknown>) {
  const userId = Number(body.userId ?? 1);
  const scopes = body.scopes === undefined || body.scopes === 'all' ? 'all' : Array.isArray(body.scopes) ? body.scopes.map(String) : String(body.scopes).split(',').map((x) => x.trim()).filter(Boolean);
  const hook = await createWebhook(p.store, p.box, { userId, scopes, title: typeof body.title === 'string' ? body.title : undefined, secret: typeof body.token === 'string' ? body.token : undefined });
  return { id: hook.row.id, userId, url: hookUrl(p, userId, hook.secret) };
}

export async function revokeWebhook(p: Platform, id: number) {
  const hook = await p.store.webhooks.byId(id);
  if (!hook) throw ResourceErrors.webhookNotFound(id);
  await p.store.webhooks.setActive(id, false);
  credentialsChanged();
  return { id, active: false };
}

export async function listApps(p: Platform) {
  const apps = await p.store.apps.list();
  return apps.map((a) => ({ id: a.id, clientId: a.client_id, code: a.code, name: a.name, handlerUrl: a.handler_url, scopes: expandScopes(a.scopes), installed: !!a.installed, version: a.version, createdAt: a.created_at }));
}

export async function addApp(p: Platform, body: Record<string, unknown>) {
  if (typeof body.name !== 'string' || !body.name.trim()) throw ResourceErrors.invalid('name is required');
  const scopes = body.scopes === undefined || body.scopes === 'all' ? 'all' : Array.isArray(body.scopes) ? body.scopes.map(String) : String(body.scopes).split(',').map((x) => x.trim()).filter(Boolean);
  const { app, clientSecret } = await createApp(p.store, p, { name: body.name.trim(), handlerUrl: typeof body.handler === 'string' && body.handler ? body.handler : undefined, scopes });
  return { id: app.id, clientId: app.client_id, clientSecret };
}

/** Install, or install again (the platform's "reinstall": fresh tokens, ONAPPINSTALL posted again). */
export async function installAppAs(p: Platform, ref: string, userId: number) {
  await findApp(p.store, ref);
  const r = await installApp(p, ref, userId);
  return { clientId: r.clientId, handlerUrl: r.handlerUrl, delivered: r.delivery?.ok, status: r.delivery?.status, error: r.delivery?.error };
}

async function queueDepths(p: Platform): Promise<Map<number, number>> {
  const rows = await p.store.db.selectFrom('event_queue').select(['bot_id', sql<number>`count(*)`.as('n')]).groupBy('bot_id').execute();
  return new Map(rows.map((r) => [r.bot_id, Number(r.n)]));
}

export async function listBots(p: Platform) {
  const [bots, depths, commands, memberships] = await Promise.all([
    p.store.bots.all(),
    queueDepths(p),
    p.store.commands.all(),
    p.store.db.selectFrom('chat_members').select(['user_id', 'chat_id']).execute(),
  ]);
  const users = new Map((await p.store.users.list()).map((u) => [u.id, u]));
  return bots.map((b) => ({
    id: b.id,
    code: b.code,
    name: users.get(b.id) ? fullName(users.get(b.id)!) : '',
    type: b.type,
    api: b.api,
    mode: b.event_mode,
    webhookUrl: b.webhook_url || undefined,
    handlers: b.api === 'v1' ? JSON.parse(b.handlers || '{}') : undefined,
    appId: b.app_id,
    owner: b.app_id ? 'application' : 'webhook (botToken)',
    commands: commands.filter((c) => c.bot_id === b.id).map((c) => ({ id: c.id, command: c.command, common: !!c.common, hidden: !!c.hidden })),
    chats: memberships.filter((m) => m.user_id === b.id).map((m) => m.chat_id),
    queueDepth: depths.get(b.id) ?? 0,
    createdAt: b.created_at,
  }));
}

/** The bot's fetch queue as Event.get would return it next, without acknowledging anything. */
export async function peekQueue(p: Platform, botId: number, limit: number) {
  const bot = await p.store.bots.byId(botId);
  if (!bot) throw ResourceErrors.botNotFound(botId);
  const rows = await p.store.events.read([botId], 0, Math.min(Math.max(limit, 1), 1000));
  const depth = (await queueDepths(p)).get(botId) ?? 0;
  return {
    botId,
    mode: bot.event_mode,
    depth,
    events: rows.map((r) => ({ eventId: r.id, type: r.type, date: r.created_at, data: JSON.parse(r.data) })),
  };
}

export async function listChats(p: Platform) {
  const chats = await p.store.db.selectFrom('chats').selectAll().orderBy('id').execute();
  const members = await p.store.db.selectFrom('chat_members').select(['chat_id', 'user_id']).execute();
  const counts = new Map((await p.store.db.selectFrom('chat_stats').select(['chat_id', 'message_count']).execute()).map((s) => [s.chat_id, s.message_count]));
  return chats.map((c) => ({
    id: c.id,
    type: c.type,
    title: c.title,
    ownerId: c.owner_id,
    members: members.filter((m) => m.chat_id === c.id).map((m) => m.user_id),
    messageCount: counts.get(c.id) ?? 0,
    entityType: c.entity_type || undefined,
    createdAt: c.created_at,
  }));
}

export async function listChatApps(p: Platform) {
  const apps = await p.store.chatApps.all();
  return apps.map((a) => ({ id: a.id, botId: a.bot_id, code: a.code, context: a.context, hidden: !!a.hidden, iframe: a.iframe || undefined, js: a.js || undefined, createdAt: a.created_at }));
}
