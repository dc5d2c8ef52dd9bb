import { commandListView } from '../../format/command.js';
import type { BareBotRow, BotRow } from '../../store/repos/bots.js';
import type { CommandLangRow, CommandRow } from '../../store/repos/commands.js';
import type { Store } from '../../store/store.js';
import { isoDate, unixNow } from '../../util/time.js';
import { ApiError, isApiError } from '../errors.js';
import type { Emit } from '../messenger/events.js';
import { addMessage, type ContentErrors } from '../messenger/messages.js';
import { phpEmpty } from '../../util/php.js';

/** Error codes and texts of imbot.v2/commands/*.md. */
export const CommandErrors = {
  required: () => new ApiError('COMMAND_REQUIRED', 'Command is required'),
  nameInvalid: () => new ApiError('COMMAND_NAME_INVALID', 'Command name is invalid'),
  nameEmpty: () => new ApiError('COMMAND_NAME_EMPTY', 'Command name is empty'),
  titleRequired: () => new ApiError('COMMAND_TITLE_REQUIRED', 'Command title is required'),
  titleInvalid: () => new ApiError('COMMAND_TITLE_INVALID', 'Title must be an object with language keys'),
  registerFailed: () => new ApiError('COMMAND_REGISTER_FAILED', 'Command registration failed'),
  notFound: () => new ApiError('COMMAND_NOT_FOUND', 'Command not found'),
  alreadyExists: () => new ApiError('COMMAND_ALREADY_EXISTS', 'Command already exists'),
  answerFailed: () => new ApiError('COMMAND_ANSWER_FAILED', 'Command answer failed'),
};

/** b_im_command.COMMAND is a 255-character column: a longer name cannot be stored. */
const COMMAND_MAX_LENGTH = 255;

/**
 * A command name as stored: one leading `/` stripped (no other pattern check, as on the platform)
 * and lower-cased, so that `/Help` typed in a chat finds it (routing lower-cases what is typed).
 */
function commandName(raw: string): string {
  return (raw.startsWith('/') ? raw.slice(1) : raw).toLowerCase();
}

type LangMap = Record<string, unknown>;
const isMap = (v: unknown): v is LangMap => !!v && typeof v === 'object';
const langText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

export interface RegisterCommandInput {
  command: unknown;
  title?: unknown;
  params?: unknown;
  common: boolean;
  hidden: boolean;
  extranetSupport: boolean;
}

/**
 * Command.register: idempotent per bot and command (the existing command comes back unchanged);
 * a visible command needs a title in at least one language.
 */
export async function registerCommand(store: Store, bot: BareBotRow, input: RegisterCommandInput): Promise<CommandRow> {
  const raw = input.command ?? '';
  if (typeof raw !== 'string') throw CommandErrors.nameInvalid();
  const command = commandName(raw);
  if (command === '') throw CommandErrors.required();
  const existing = await store.commands.byText(bot.id, command);
  if (existing) return existing;

  // One language entry per title key (LANGUAGE_ID lower-cased), with the params of the same language.
  const params: LangMap = {};
  if (isMap(input.params)) for (const [lang, text] of Object.entries(input.params)) params[lang.toLowerCase()] = text;
  const entries = isMap(input.title) ? Object.entries(input.title).map(([lang, title]) => ({ lang: lang.toLowerCase(), title, params: params[lang.toLowerCase()] })) : [];
  if (!input.hidden && entries.length === 0) throw CommandErrors.titleRequired();
  if ([...command].length > COMMAND_MAX_LENGTH) throw CommandErrors.registerFailed();

  const row = await store.commands.insert({
    bot_id: bot.id,
    command,
    common: input.common ? 1 : 0,
    hidden: input.hidden ? 1 : 0,
    extranet_support: input.extranetSupport ? 1 : 0,
    created_at: isoDate(),
  });
  await store.commands.setLangs(row.id, langRows(row.id, entries));
  await store.bots.bump(bot.id, 'count_command');
  return row;
}

/** Language rows as the platform keeps them: entries without a language or a title are skipped. */
function langRows(commandId: number, entries: { lang: string; title: unknown; params: unknown }[]) {
  const rows = new Map<string, { command_id: number; language_id: string; title: string; params: string }>();
  for (const e of entries) {
    const title = langText(e.title);
    if (!e.lang || title === undefined) continue;
    rows.set(e.lang, { command_id: commandId, language_id: e.lang, title, params: langText(e.params) ?? '' });
  }
  return [...rows.values()];
}

/** The bot's own command `commandId`, or COMMAND_NOT_FOUND (missing, or another bot's). */
export async function requireOwnCommand(store: Store, bot: BareBotRow, commandId: number): Promise<CommandRow> {
  const command = commandId > 0 ? await store.commands.byId(commandId) : undefined;
  if (!command || command.bot_id !== bot.id) throw CommandErrors.notFound();
  return command;
}

/**
 * Command.update. Only the keys present change; in `title` a string sets that language, `null`
 * removes it, absent languages stay; `params` applies only to languages named in `title`.
 */
export interface UpdateCommandInput {
  command?: unknown;
  title?: unknown;
  params?: unknown;
  common?: boolean;
  hidden?: boolean;
  extranetSupport?: boolean;
}

export async function updateCommand(store: Store, bot: BareBotRow, commandId: number, fields: UpdateCommandInput): Promise<CommandRow> {
  const command = await requireOwnCommand(store, bot, commandId);
  const patch: Partial<Pick<CommandRow, 'command' | 'common' | 'hidden' | 'extranet_support'>> = {};
  const present = (k: keyof UpdateCommandInput) => fields[k] !== undefined && fields[k] !== null;

  if (present('command')) {
    if (typeof fields.command !== 'string') throw CommandErrors.nameInvalid();
    const name = commandName(fields.command);
    if (name === '') throw CommandErrors.nameEmpty();
    const clash = await store.commands.byText(bot.id, name);
    if (clash && clash.id !== command.id) throw CommandErrors.alreadyExists();
    patch.command = name;
  }
  for (const [key, column] of [['common', 'common'], ['hidden', 'hidden'], ['extranetSupport', 'extranet_support']] as const) {
    if (fields[key] !== undefined) patch[column] = fields[key] ? 1 : 0;
  }
  if (present('title')) {
    if (!isMap(fields.title)) throw CommandErrors.titleInvalid();
    const current = new Map((await store.commands.langs([command.id])).map((l) => [l.language_id, l] as const));
    const params: LangMap = {};
    if (isMap(fields.params)) for (const [lang, text] of Object.entries(fields.params)) params[lang.toLowerCase()] = text;
    const next = new Map<string, { lang: string; title: unknown; params: unknown }>();
    for (const l of current.values()) next.set(l.language_id, { lang: l.language_id, title: l.title, params: l.params });
    for (const [rawLang, title] of Object.entries(fields.title)) {
      const lang = rawLang.toLowerCase();
      if (title === null) {
        next.delete(lang);
        continue;
      }
      next.set(lang, { lang, title, params: params[lang] ?? current.get(lang)?.params ?? '' });
    }
    await store.commands.setLangs(command.id, langRows(command.id, [...next.values()]));
  }
  if (Object.keys(patch).length) await store.commands.update(command.id, patch);
  return (await store.commands.byId(command.id))!;
}

/** Command.unregister: the command and its translations go; the bot's command counter follows. */
export async function unregisterCommand(store: Store, bot: BareBotRow, commandId: number): Promise<void> {
  const command = await requireOwnCommand(store, bot, commandId);
  await store.commands.setLangs(command.id, []);
  await store.commands.delete(command.id);
  await store.bots.bump(bot.id, 'count_command', -1);
}

/** Command.list: the bot's commands, texts in the bot's language (fallback `en`, then the first). */
export async function listCommands(store: Store, bot: BareBotRow): Promise<Record<string, unknown>[]> {
  const rows = await store.commands.byBot(bot.id);
  const langs = await store.commands.langs(rows.map((r) => r.id));
  const byCommand = new Map<number, CommandLangRow[]>();
  for (const l of langs) byCommand.set(l.command_id, [...(byCommand.get(l.command_id) ?? []), l]);
  const user = await store.users.byId(bot.id);
  const category = user ? [user.name, user.last_name].filter(Boolean).join(' ') : '';
  return rows.map((r) => commandListView(r, byCommand.get(r.id) ?? [], bot.language || 'en', category));
}

export interface AnswerInput {
  commandId: number;
  messageId: number;
  message?: unknown;
  attach?: unknown;
  keyboard?: unknown;
  menu?: unknown;
  system?: boolean;
  urlPreview?: boolean;
}

/** The line that introduces a bot's answer posted where the bot is not a member (COMMAND_BOT_ANSWER). */
const botAnswerPrefix = (botId: number) => `Answer from the bot [USER=${botId}][/USER]:`;

/**
 * Command.answer (Command::addMessage): the answer goes to the chat of the command's message. The
 * command gave the bot a 10-minute right to answer there; without it (never granted, or expired)
 * nothing is posted and the call still succeeds, as on the platform. A member bot answers with a
 * normal message; elsewhere, or when `system` is asked for, the answer is a system message naming the bot.
 * Returns the posted message id, or null when nothing was posted.
 */
export async function answerCommand(
  store: Store,
  emit: Emit,
  bot: BareBotRow,
  input: AnswerInput,
  opts: { failed?: () => ApiError; errors?: ContentErrors } = {},
): Promise<number | null> {
  const failed = opts.failed ?? CommandErrors.answerFailed;
  await requireOwnCommand(store, bot, input.commandId);
  const message = input.messageId > 0 ? await store.messages.byId(input.messageId) : undefined;
  if (!message) throw failed();
  const chat = await store.chats.byId(message.chat_id);
  if (!chat) throw failed();
  if (!(await store.commands.canAnswer(bot.id, chat.id, unixNow()))) return null;

  const member = !!(await store.chats.member(chat.id, bot.id));
  const asMember = member && !input.system;
  let text: unknown = input.message;
  if (!asMember) {
    const body = input.message === undefined || input.message === null ? '' : input.message;
    if (typeof body !== 'string' && typeof body !== 'number') throw failed();
    text = `${botAnswerPrefix(bot.id)}\n ${body}`;
  }
  try {
    const posted = await addMessage(store, emit, {
      chat,
      authorId: bot.id,
      text: text ?? '',
      attach: input.attach || undefined,
      keyboard: input.keyboard || undefined,
      menu: input.menu || undefined,
      system: !asMember,
      urlPreview: input.urlPreview,
      skipCommands: true,
      errors: opts.errors,
    });
    await store.bots.bump(bot.id, 'count_message');
    return posted.id;
  } catch (e) {
    // CIMChat::AddMessage failing (empty text, a bad keyboard or attach) is reported as one error.
    if (isApiError(e)) throw failed();
    throw e;
  }
}

// ---- imbot v1 (im_rest.php commandRegister / commandUpdate / commandUnRegister / commandAnswer) ----------

/** Error codes and texts of the v1 command methods (the platform's own texts). */
export const V1CommandErrors = {
  handlerMissing: () => new ApiError('EVENT_COMMAND_ADD_ERROR', 'Handler for "Command add" event isn\'t specified'),
  handler: (why: string) => new ApiError('EVENT_COMMAND_ADD_ERROR', why),
  commandMissing: () => new ApiError('COMMAND_ERROR', "Command isn't specified"),
  langEmpty: () => new ApiError('LANG_ERROR', "Lang set can't be empty"),
  createFailed: () => new ApiError('WRONG_REQUEST', "Command can't be created"),
  notFound: () => new ApiError('COMMAND_ID_ERROR', 'Command not found'),
  otherApp: () => new ApiError('APP_ID_ERROR', 'Command was installed by another rest application'),
  updateEmpty: () => new ApiError('WRONG_REQUEST', "Update fields can't be empty"),
  updateFailed: () => new ApiError('WRONG_REQUEST', "Command can't be updated"),
  deleteFailed: () => new ApiError('WRONG_REQUEST', "Command can't be deleted"),
  messageIdEmpty: () => new ApiError('MESSAGE_ID_EMPTY', "Message ID can't be empty"),
  messageEmpty: () => new ApiError('MESSAGE_EMPTY', "Message can't be empty"),
  notAdded: () => new ApiError('WRONG_REQUEST', "Message isn't added"),
};

export interface LangEntry {
  lang: string;
  title: unknown;
  params: unknown;
}

/**
 * A v1 `LANG` set: a list of `{LANGUAGE_ID, TITLE, PARAMS}` (a form-encoded PHP map with numeric keys
 * too). As Command::register reads it, entries without a LANGUAGE_ID or a TITLE are skipped and the
 * language is lower-cased; anything that is not a list gives no languages.
 */
export function v1LangEntries(lang: unknown): LangEntry[] {
  const items = Array.isArray(lang) ? lang : isMap(lang) ? Object.values(lang) : [];
  const out: LangEntry[] = [];
  for (const item of items) {
    if (!isMap(item) || phpEmpty(item.LANGUAGE_ID) || item.TITLE === undefined || item.TITLE === null) continue;
    const id = langText(item.LANGUAGE_ID);
    if (id === undefined) continue;
    out.push({ lang: id.toLowerCase(), title: item.TITLE, params: item.PARAMS });
  }
  return out;
}

export interface RegisterV1CommandInput {
  command: string;
  common: boolean;
  hidden: boolean;
  extranetSupport: boolean;
  langs: LangEntry[];
  /** The ONIMCOMMANDADD handler, as stored (with `CLIENT_ID=` for webhook callers). */
  eventUrl: string;
}

/**
 * Command::register for a REST bot: the same bot + command gives the existing command back
 * unchanged; a command that cannot be stored (empty after the leading `/`, or longer than the
 * 255-character column) is WRONG_REQUEST "Command can't be created". The same row as a v2 command.
 */
export async function registerV1Command(store: Store, bot: BareBotRow, input: RegisterV1CommandInput): Promise<CommandRow> {
  const command = commandName(input.command);
  const existing = command ? await store.commands.byText(bot.id, command) : undefined;
  if (existing) return existing;
  if (command === '' || [...command].length > COMMAND_MAX_LENGTH) throw V1CommandErrors.createFailed();
  const row = await store.commands.insert({
    bot_id: bot.id,
    command,
    common: input.common ? 1 : 0,
    hidden: input.hidden ? 1 : 0,
    extranet_support: input.extranetSupport ? 1 : 0,
    event_url: input.eventUrl,
    created_at: isoDate(),
  });
  await store.commands.setLangs(row.id, langRows(row.id, input.langs));
  await store.bots.bump(bot.id, 'count_command');
  return row;
}

/** v1 `COMMAND_ID` → the command and its bot, with COMMAND_ID_ERROR / APP_ID_ERROR (another owner's command). */
export async function requireV1Command(store: Store, ownerHash: string, rawId: unknown): Promise<{ command: CommandRow; bot: BotRow }> {
  const id = typeof rawId === 'number' ? rawId : typeof rawId === 'string' && /^\s*\d+\s*$/.test(rawId) ? Number(rawId) : 0;
  const command = Number.isInteger(id) && id > 0 ? await store.commands.byId(id) : undefined;
  const bot = command ? await store.bots.byId(command.bot_id) : undefined;
  if (!command || !bot) throw V1CommandErrors.notFound();
  if (bot.owner_hash !== ownerHash) throw V1CommandErrors.otherApp();
  return { command, bot };
}

/** The owner's command named `text` (COMMAND of imbot.command.answer), or COMMAND_ID_ERROR. */
export async function findV1Command(store: Store, ownerHash: string, text: string): Promise<{ command: CommandRow; bot: BotRow }> {
  const name = commandName(text);
  for (const bot of await store.bots.byOwner(ownerHash)) {
    const command = name ? await store.commands.byText(bot.id, name) : undefined;
    if (command) return { command, bot };
  }
  throw V1CommandErrors.notFound();
}

export interface UpdateV1CommandInput {
  command?: string;
  hidden?: boolean;
  extranetSupport?: boolean;
  /** Replaces every language of the command. */
  langs?: LangEntry[];
}

/**
 * Command::update: the given fields change, LANG replaces the whole language set. A new command text
 * that the bot already has on another command, or that cannot be stored, is WRONG_REQUEST
 * "Command can't be updated".
 */
export async function updateV1Command(store: Store, command: CommandRow, fields: UpdateV1CommandInput): Promise<void> {
  const patch: Partial<Pick<CommandRow, 'command' | 'hidden' | 'extranet_support'>> = {};
  if (fields.command !== undefined) {
    const name = commandName(fields.command);
    if (name === '' || [...name].length > COMMAND_MAX_LENGTH) throw V1CommandErrors.updateFailed();
    const clash = await store.commands.byText(command.bot_id, name);
    if (clash && clash.id !== command.id) throw V1CommandErrors.updateFailed();
    patch.command = name;
  }
  if (fields.hidden !== undefined) patch.hidden = fields.hidden ? 1 : 0;
  if (fields.extranetSupport !== undefined) patch.extranet_support = fields.extranetSupport ? 1 : 0;
  if (fields.langs) await store.commands.setLangs(command.id, langRows(command.id, fields.langs));
  if (Object.keys(patch).length) await store.commands.update(command.id, patch);
}
