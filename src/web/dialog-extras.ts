import crypto from 'node:crypto';
import { type Platform, portalDomain } from '../domain/platform.js';
import { fullName } from '../domain/users.js';
import { commandTexts } from '../format/command.js';
import { colorHex } from '../domain/messenger/colors.js';
import type { UserRow } from '../store/repos/users.js';

/** A chat, as far as the text panel cares: which bots are in it and what kind of dialog it is. */
interface DialogScope {
  kind: 'user' | 'bot' | 'chat';
  chatId: number | null;
  botIds: number[];
}

const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

/**
 * Who the dialog `dialogId` is with, for `userId`: a private dialog with a bot or a person, or a group chat
 * whose bot members are listed. Undefined when the caller may not see it.
 */
export async function dialogScope(p: Platform, userId: number, dialogId: string): Promise<DialogScope | undefined> {
  const chatMatch = /^chat(\d+)$/i.exec(dialogId);
  if (chatMatch) {
    const chatId = Number(chatMatch[1]);
    const members = await p.store.chats.members(chatId);
    if (!members.some((m) => m.user_id === userId)) return undefined;
    const bots = await p.store.bots.byIds(members.map((m) => m.user_id));
    return { kind: 'chat', chatId, botIds: bots.map((b) => b.id) };
  }
  if (!/^\d+$/.test(dialogId)) return undefined;
  const other = Number(dialogId);
  if (!(await p.store.users.byId(other))) return undefined;
  const bot = await p.store.bots.byId(other);
  return { kind: bot ? 'bot' : 'user', chatId: null, botIds: bot ? [bot.id] : [] };
}

/**
 * The `/` list of a dialog: the commands of the bots in it plus every bot's COMMON commands, not hidden,
 * with title and parameter hint in the user's language (else `en`, else the first; Command::getListCache).
 * A command without a title is not offered, as on the platform.
 */
export async function dialogCommands(p: Platform, user: UserRow, scope: DialogScope) {
  const all = await p.store.commands.all();
  const offered = all.filter((c) => !c.hidden && (c.common || scope.botIds.includes(c.bot_id)));
  const langs = await p.store.commands.langs(offered.map((c) => c.id));
  const bots = new Map((await p.store.users.list()).map((u) => [u.id, u]));
  const language = user.language_id || 'en';
  const out = [];
  for (const c of offered) {
    const texts = commandTexts(
      langs.filter((l) => l.command_id === c.id),
      language,
    );
    if (!texts.title) continue;
    const bot = bots.get(c.bot_id);
    out.push({ id: c.id, botId: c.bot_id, botName: bot ? fullName(bot) : '', command: `/${c.command}`, title: texts.title, params: texts.params, common: !!c.common });
  }
  return out.sort((a, b) => a.command.localeCompare(b.command));
}

/** Which dialogs an application's CONTEXT puts its button in (imbot.app.register CONTEXT). */
const CONTEXT_FITS: Record<string, DialogScope['kind'][]> = { all: ['user', 'bot', 'chat'], chat: ['chat'], bot: ['bot'], user: ['user'] };

/**
 * The chat applications of a dialog's text panel, with their frame URL already carrying the documented
 * parameters (outdated/iframe.md): DOMAIN_HASH = md5(host + HASH) and USER_HASH = md5(USER_ID + HASH) are
 * signed here, so the registration HASH never reaches the browser.
 */
export async function dialogApps(p: Platform, user: UserRow, scope: DialogScope, dialogId: string) {
  const apps = (await p.store.chatApps.all()).filter((a) => !a.hidden && (CONTEXT_FITS[a.context] ?? []).includes(scope.kind));
  const language = user.language_id || 'en';
  const out = [];
  for (const a of apps) {
    const langs = await p.store.chatApps.langs(a.id);
    const lang = langs.find((l) => l.language_id === language) ?? langs.find((l) => l.language_id === 'en') ?? langs[0];
    const bot = await p.store.bots.byId(a.bot_id);
    let iframeUrl = '';
    if (a.iframe) {
      const q = new URLSearchParams({
        BOT_ID: String(a.bot_id),
        BOT_CODE: bot?.code ?? '',
        APP_ID: String(a.id),
        APP_CODE: a.code,
        DOMAIN: p.config.publicUrl,
        DOMAIN_HASH: md5(portalDomain(p) + a.hash),
        USER_ID: String(user.id),
        USER_HASH: md5(String(user.id) + a.hash),
        DIALOG_ID: dialogId,
        CONTEXT: 'textarea',
        LANG: language,
        IS_CHROME: 'Y',
      });
      // The stored URL already ends in `?` or `&` (App::register).
      iframeUrl = a.iframe + q.toString();
    }
    out.push({
      id: a.id,
      botId: a.bot_id,
      code: a.code,
      title: lang?.title ?? a.code,
      description: lang?.description ?? '',
      icon: a.icon,
      js: a.js,
      iframeUrl,
      width: a.iframe_width,
      height: a.iframe_height,
      popup: !!a.iframe_popup,
    });
  }
  return out;
}

/** Everyone the person can write to: people and bots, for the dialog picker and the @-picker. */
export async function directory(p: Platform) {
  const users = await p.store.users.list();
  const bots = new Map((await p.store.bots.all()).map((b) => [b.id, b]));
  return users
    .filter((u) => u.active)
    .map((u) => ({
      id: u.id,
      name: fullName(u) || u.login,
      workPosition: u.work_position,
      avatar: u.avatar,
      color: colorHex(u.color, u.id),
      bot: bots.has(u.id),
      botType: bots.get(u.id)?.type ?? null,
    }));
}
