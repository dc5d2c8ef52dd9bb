import fs from 'node:fs';
import { createApp } from '../domain/apps.js';
import { ApiError, isApiError } from '../domain/errors.js';
import { randomToken } from '../domain/secrets.js';
import { createUser } from '../domain/users.js';
import { createWebhook } from '../domain/webhooks.js';
import { installApp } from '../events/app-install.js';
import type { Gateway } from '../http/gateway.js';
import { callAs } from './act-as.js';
import { seedDocument, type SeedResult } from './seed-schema.js';

export const seedError = (msg: string) => new ApiError('SEED_INVALID', msg);

/**
 * A seed document from JSON or YAML text (YAML is a superset of JSON), or an already parsed object.
 * The YAML parser is loaded on first use: it is a fair part of what a server start would otherwise parse.
 */
export async function parseSeed(input: unknown) {
  let raw = input;
  if (typeof input === 'string') {
    const { default: YAML } = await import('yaml');
    try {
      raw = YAML.parse(input);
    } catch (e) {
      throw seedError(`The seed is not valid JSON or YAML: ${(e as Error).message}`);
    }
  }
  const parsed = seedDocument.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw seedError(`${issue.path.join('.') || '(document)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A seed file's text, with a clear error when it cannot be read. */
export function readSeedFileText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw seedError(`Cannot read the seed file ${file}: ${(e as Error).message}`);
  }
}

const scopesOf = (s: string | string[] | undefined): string[] | 'all' =>
  s === undefined || s === 'all' || s === '*' ? 'all' : Array.isArray(s) ? s : s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * Creates what the document describes, in order users → webhooks → apps → bots → chats, each through the
 * same domain functions and REST methods a client would use (bots register with imbot.v2.Bot.register as
 * their owner, chats open with im.chat.add), so a seeded portal is one a real client could have built.
 * The first failure stops the seed with an error naming the entry; what was created before it stays.
 */
export async function applySeed(gw: Gateway, input: unknown): Promise<SeedResult> {
  const doc = await parseSeed(input);
  const p = gw.platform;
  const out: SeedResult = { users: {}, webhooks: {}, apps: {}, bots: {}, chats: {} };
  /** Users and bots (bots are users) by key, for references. */
  const people = new Map<string, number>();
  const idOf = (ref: string | number, where: string): number => {
    if (typeof ref === 'number') return ref;
    if (/^\d+$/.test(ref)) return Number(ref);
    const id = people.get(ref);
    if (id === undefined) throw seedError(`${where}: no user or bot with key '${ref}' earlier in the seed`);
    return id;
  };
  const step = async <T>(where: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (isApiError(e)) throw new ApiError(e.code === 'SEED_INVALID' ? e.code : 'SEED_FAILED', e.code === 'SEED_INVALID' ? e.description : `${where}: ${e.code}: ${e.description}`);
      throw e;
    }
  };

  for (const [i, u] of doc.users.entries()) {
    await step(`users[${i}]`, async () => {
      const row = await createUser(p.store, { name: u.name, lastName: u.lastName, login: u.login, email: u.email, password: u.password, isAdmin: u.admin, workPosition: u.workPosition });
      const key = u.key ?? row.login;
      people.set(key, row.id);
      out.users[key] = { id: row.id, login: row.login };
    });
  }
  for (const [i, w] of doc.webhooks.entries()) {
    await step(`webhooks[${i}]`, async () => {
      const hook = await createWebhook(p.store, p.box, { userId: idOf(w.user, `webhooks[${i}].user`), scopes: scopesOf(w.scopes), secret: w.token, title: w.title });
      out.webhooks[w.key ?? String(hook.row.id)] = {
        id: hook.row.id,
        userId: hook.row.user_id,
        secret: hook.secret,
        url: `${p.config.publicUrl}/rest/${hook.row.user_id}/${hook.secret}/`,
      };
    });
  }
  for (const [i, a] of doc.apps.entries()) {
    await step(`apps[${i}]`, async () => {
      const { app, clientSecret } = await createApp(p.store, p, { name: a.name, handlerUrl: a.handler, scopes: scopesOf(a.scopes), code: a.code });
      const entry: SeedResult['apps'][string] = { id: app.id, clientId: app.client_id, clientSecret, installed: false };
      if (a.install) {
        const installed = await installApp(p, app.client_id, idOf(a.user, `apps[${i}].user`));
        entry.installed = true;
        if (installed.delivery) entry.installDelivered = installed.delivery.ok;
      }
      out.apps[a.key ?? a.code ?? app.client_id] = entry;
    });
  }
  for (const [i, b] of doc.bots.entries()) {
    await step(`bots[${i}]`, async () => {
      const owner = idOf(b.owner, `bots[${i}].owner`);
      const botToken = b.token ?? randomToken(16);
      const mode = b.mode ?? (b.webhookUrl ? 'webhook' : 'fetch');
      const reg = (await callAs(gw, owner, 'imbot.v2.Bot.register', {
        botToken,
        fields: {
          code: b.code,
          type: b.type ?? 'bot',
          eventMode: mode,
          ...(b.webhookUrl ? { webhookUrl: b.webhookUrl } : {}),
          properties: { name: b.name, ...(b.lastName ? { lastName: b.lastName } : {}) },
        },
      })) as { bot: { id: number } };
      const botId = reg.bot.id;
      for (const c of b.commands ?? []) {
        const byLang = (v: string | Record<string, string> | undefined) => (typeof v === 'string' ? { en: v } : v);
        await callAs(gw, owner, 'imbot.v2.Command.register', {
          botId,
          botToken,
          command: c.command,
          title: byLang(c.title ?? c.command),
          params: byLang(c.params),
          common: c.common ?? false,
          hidden: c.hidden ?? false,
        });
      }
      const key = b.key ?? b.code;
      people.set(key, botId);
      out.bots[key] = { id: botId, code: b.code, botToken, mode };
    });
  }
  for (const [i, c] of doc.chats.entries()) {
    await step(`chats[${i}]`, async () => {
      const owner = idOf(c.owner, `chats[${i}].owner`);
      const users = c.members.map((m, j) => idOf(m, `chats[${i}].members[${j}]`)).filter((id) => id !== owner);
      const id = (await callAs(gw, owner, 'im.chat.add', { TITLE: c.title ?? '', TYPE: (c.type ?? 'chat').toUpperCase(), USERS: users })) as number;
      for (const [j, m] of (c.messages ?? []).entries()) {
        await callAs(gw, idOf(m.from, `chats[${i}].messages[${j}].from`), 'im.message.add', { DIALOG_ID: `chat${id}`, MESSAGE: m.text });
      }
      out.chats[c.key ?? String(id)] = { id, dialogId: `chat${id}` };
    });
  }
  return out;
}
