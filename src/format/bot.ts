import type { BotRow } from '../store/repos/bots.js';

/** The Bot object (chat-bots-v2/entities.md#bot): public fields for everyone, the rest for its owner. No appId (Revision 35). */
export function botView(b: BotRow, owner: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: b.id,
    code: b.code,
    // A v1 TYPE=H ("human") bot has no v2 name: BotType::fromDbValue makes it a `bot`.
    type: b.type === 'human' ? 'bot' : b.type,
    isHidden: !!b.is_hidden,
    isSupportOpenline: !!b.is_support_openline,
    isReactionsEnabled: !!b.is_reactions_enabled,
    backgroundId: b.background_id,
    language: b.language,
  };
  if (owner) {
    Object.assign(view, {
      moduleId: b.module_id,
      eventMode: b.event_mode,
      countMessage: b.count_message,
      countCommand: b.count_command,
      countChat: b.count_chat,
      countUser: b.count_user,
    });
  }
  return view;
}
