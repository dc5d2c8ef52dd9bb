import type { ChatRow } from '../../store/repos/chats.js';
import type { Store } from '../../store/store.js';
import { colorLabel } from './colors.js';
import type { Emit } from './events.js';
import { addMessage } from './messages.js';

/**
 * The system messages the platform writes into a group chat when its membership or look changes
 * (GroupChat::add, Chat::sendMessageUsersAdd / sendMessageUserDelete, CIMChat::Rename / SetColor,
 * ChatAvatar::update), in English (the im module's en lang files). They have no author (authorId 0),
 * so no bot is told about them; people see them in the conversation.
 */

const tag = (id: number) => `[USER=${id}][/USER]`;

async function nameOf(store: Store, id: number): Promise<string> {
  const u = await store.users.byId(id);
  return u ? [u.name, u.last_name].filter(Boolean).join(' ') : '';
}

async function note(store: Store, emit: Emit, chat: ChatRow, text: string, code?: 'CHAT_JOIN' | 'CHAT_LEAVE'): Promise<void> {
  await addMessage(store, emit, { chat, authorId: 0, text, system: true, systemCode: code });
}

/** "X created a chat.", "X assigned Y as owner." when X made it for someone else, then who X invited. */
export async function creationNotes(store: Store, emit: Emit, chat: ChatRow, actorId: number, invited: number[]): Promise<void> {
  await note(store, emit, chat, `${tag(actorId)} created a chat.`);
  if (chat.owner_id !== actorId) {
    await note(store, emit, chat, `${await nameOf(store, actorId)} assigned ${await nameOf(store, chat.owner_id)} as owner.`);
  }
  await invitedNote(store, emit, chat, actorId, invited);
  // GroupChat::sendDescriptionMessage: the description is posted by the owner as an ordinary message.
  if (chat.description.trim()) await addMessage(store, emit, { chat, authorId: chat.owner_id, text: chat.description });
}

/** "X invited A, B to the chat" (CODE CHAT_JOIN); nothing when nobody new came in. */
export async function invitedNote(store: Store, emit: Emit, chat: ChatRow, actorId: number, userIds: number[]): Promise<void> {
  if (!userIds.length) return;
  await note(store, emit, chat, `${tag(actorId)} invited ${userIds.map(tag).join(', ')} to the chat`, 'CHAT_JOIN');
}

/** "X left the chat." or "X ejected Y from chat." (CODE CHAT_LEAVE). */
export async function removedNote(store: Store, emit: Emit, chat: ChatRow, actorId: number, userId: number): Promise<void> {
  const text = actorId === userId ? `${tag(userId)} left the chat.` : `${tag(actorId)} ejected ${tag(userId)} from chat.`;
  await note(store, emit, chat, text, 'CHAT_LEAVE');
}

export type LookChange = { title: string } | { color: string } | { avatar: true } | { owner: number };

/** A note for a changed title, colour, avatar or owner. */
export async function changeNote(store: Store, emit: Emit, chat: ChatRow, actorId: number, change: LookChange): Promise<void> {
  const who = await nameOf(store, actorId);
  let text: string;
  if ('title' in change) text = `${who} changed the chat title to "${change.title}".`;
  else if ('color' in change) text = `${who} changed chat color to "${colorLabel(change.color)}"`;
  else if ('avatar' in change) text = `${who} changed the chat avatar.`;
  else text = `${who} assigned ${await nameOf(store, change.owner)} as owner.`;
  await note(store, emit, chat, text);
}
