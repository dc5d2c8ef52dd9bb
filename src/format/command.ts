import type { CommandLangRow, CommandRow } from '../store/repos/commands.js';

/** The Command object of Command.register / Command.update (imbot.v2/commands/command-register.md). */
export function commandView(c: CommandRow): Record<string, unknown> {
  return {
    id: c.id,
    botId: c.bot_id,
    command: `/${c.command}`,
    common: !!c.common,
    hidden: !!c.hidden,
    extranetSupport: !!c.extranet_support,
  };
}

/**
 * Title and parameter hint of a command in `language`, else in the default language `en`, else in
 * the first language it has (Command::getListCache).
 */
export function commandTexts(langs: CommandLangRow[], language: string): { title: string; params: string } {
  const pick = langs.find((l) => l.language_id === language) ?? langs.find((l) => l.language_id === 'en') ?? langs[0];
  return { title: pick?.title ?? '', params: pick?.params ?? '' };
}

/**
 * The full Command object of Command.list (entities.md#command): localised title/params, `category`
 * = the bot's name, `context` empty. A command without a title is hidden from the list, as on the platform.
 */
export function commandListView(c: CommandRow, langs: CommandLangRow[], language: string, category: string): Record<string, unknown> {
  const { title, params } = commandTexts(langs, language);
  return {
    id: c.id,
    botId: c.bot_id,
    command: `/${c.command}`,
    title,
    params,
    common: !!c.common,
    hidden: !!c.hidden || !title,
    extranetSupport: !!c.extranet_support,
    category,
    context: '',
  };
}
