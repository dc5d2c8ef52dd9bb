import type { MessageRow } from '../../store/repos/messages.js';
import type { Store } from '../../store/store.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import type { Emit } from './events.js';

/**
 * Reaction codes of imbot.v2.Chat.Message.Reaction.add (#reactions; the platform's ReactionName enum),
 * in the camelCase the API speaks. The platform keys them by their UPPER_SNAKE form.
 */
export const REACTION_CODES = [
  'like', 'dislike', 'faceWithTearsOfJoy', 'redHeart', 'neutralFace', 'fire', 'cry', 'slightlySmilingFace', 'winkingFace', 'laugh',
  'kiss', 'wonder', 'slightlyFrowningFace', 'loudlyCryingFace', 'faceWithStuckOutTongue', 'faceWithStuckOutTongueAndWinkingEye',
  'smilingFaceWithSunglasses', 'confusedFace', 'flushedFace', 'thinkingFace', 'angry', 'smilingFaceWithHorns', 'faceWithThermometer',
  'facepalm', 'poo', 'flexedBiceps', 'clappingHands', 'raisedHand', 'smilingFaceWithHeartEyes', 'smilingFaceWithHearts', 'pleadingFace',
  'relievedFace', 'foldedHands', 'okHand', 'signHorns', 'loveYouGesture', 'clownFace', 'partyingFace', 'questionMark', 'exclamationMark',
  'lightBulb', 'bomb', 'sleepingSymbol', 'crossMark', 'whiteHeavyCheckMark', 'eyes', 'handshake', 'hundredPoints',
] as const;

/** StringHelper::camel2snake + upper-casing (ReactionItem::getSnakeCaseName). */
const upperSnake = (s: string) => s.replace(/(.)([A-Z])/g, '$1_$2').toUpperCase();

const BY_SNAKE = new Map<string, string>(REACTION_CODES.map((c) => [upperSnake(c), c]));

export const Reactions = {
  notFound: () => new ApiError('REACTION_NOT_FOUND', 'Reaction not found'),
  alreadySet: () => new ApiError('REACTION_ALREADY_SET', 'Reaction already set'),
};

/**
 * The documented code a caller's `reaction` names, or undefined. Like the platform, the value is
 * converted camelCase → UPPER_SNAKE before the lookup, so `like` and `Like` match and `LIKE` does not.
 */
export function reactionCode(input: string): string | undefined {
  return BY_SNAKE.get(upperSnake(input));
}

/** The legacy LIKE message param: who has any reaction on the message (CIMMessenger::Like, sorted ids). */
function likeList(message: MessageRow): { params: Record<string, unknown>; likes: number[] } {
  let params: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(message.params || '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
  } catch {
    // A broken params column reads as none.
  }
  const likes = Array.isArray(params.LIKE) ? (params.LIKE as unknown[]).map(Number).filter((n) => n > 0) : [];
  return { params, likes };
}

async function setLikes(store: Store, message: MessageRow, params: Record<string, unknown>, likes: number[]): Promise<void> {
  if (likes.length) params.LIKE = [...new Set(likes)].sort((a, b) => a - b);
  else delete params.LIKE;
  await store.messages.update(message.id, { params: JSON.stringify(params) });
}

/**
 * `userId` puts reaction `code` (a documented camelCase code) on `message` (ReactionService::addReaction):
 * one row per user, message and code; the LIKE param lists the user from the first reaction on.
 * Access is the caller's to check.
 */
export async function addReaction(store: Store, emit: Emit, message: MessageRow, userId: number, code: string): Promise<void> {
  const added = await store.reactions.add({ message_id: message.id, chat_id: message.chat_id, user_id: userId, reaction: code, created_at: isoDate() });
  if (!added) throw Reactions.alreadySet();
  const fresh = (await store.messages.byId(message.id)) ?? message;
  const { params, likes } = likeList(fresh);
  if (!likes.includes(userId)) await setLikes(store, fresh, params, [...likes, userId]);
  emit({ kind: 'reaction.changed', chatId: message.chat_id, messageId: message.id, userId, reaction: code, action: 'add' });
}

/** Takes `userId`'s reaction `code` off `message`; the LIKE param drops the user with their last reaction. */
export async function deleteReaction(store: Store, emit: Emit, message: MessageRow, userId: number, code: string): Promise<void> {
  if (!(await store.reactions.remove(message.id, userId, code))) throw Reactions.notFound();
  if ((await store.reactions.countOf(message.id, userId)) === 0) {
    const fresh = (await store.messages.byId(message.id)) ?? message;
    const { params, likes } = likeList(fresh);
    if (likes.includes(userId)) await setLikes(store, fresh, params, likes.filter((id) => id !== userId));
  }
  emit({ kind: 'reaction.changed', chatId: message.chat_id, messageId: message.id, userId, reaction: code, action: 'delete' });
}

/**
 * The classic "Like" toggle of im.message.like / imbot.message.like (CIMMessenger::Like): the LIKE param
 * decides whether the user "likes" the message (any reaction counts); `plus` when already liked and
 * `minus` when not change nothing (false). Then the `like` reaction follows the new state.
 * False also for a message that does not exist or whose chat the user is not in.
 */
export async function likeMessage(store: Store, emit: Emit, messageId: number, userId: number, action: 'auto' | 'plus' | 'minus'): Promise<boolean> {
  const message = messageId > 0 ? await store.messages.byId(messageId) : undefined;
  if (!message || !(await store.chats.member(message.chat_id, userId))) return false;
  const { params, likes } = likeList(message);
  const liked = likes.includes(userId);
  if ((liked && action === 'plus') || (!liked && action === 'minus')) return false;
  await setLikes(store, message, params, liked ? likes.filter((id) => id !== userId) : [...likes, userId]);
  if (liked) {
    // The reaction is removed only if it is there (the platform ignores REACTION_NOT_FOUND here).
    if (await store.reactions.find(message.id, userId, 'like')) {
      await store.reactions.remove(message.id, userId, 'like');
      emit({ kind: 'reaction.changed', chatId: message.chat_id, messageId: message.id, userId, reaction: 'like', action: 'delete' });
    }
  } else if (await store.reactions.add({ message_id: message.id, chat_id: message.chat_id, user_id: userId, reaction: 'like', created_at: isoDate() })) {
    emit({ kind: 'reaction.changed', chatId: message.chat_id, messageId: message.id, userId, reaction: 'like', action: 'add' });
  }
  return true;
}

/** Reactions of some messages as `{messageId: {code: [userIds]}}` (what the web messenger draws). */
export async function reactionsOf(store: Store, messageIds: number[]): Promise<Map<number, Record<string, number[]>>> {
  const out = new Map<number, Record<string, number[]>>();
  for (const r of await store.reactions.ofMessages(messageIds)) {
    const byCode = out.get(r.message_id) ?? {};
    (byCode[r.reaction] ??= []).push(r.user_id);
    out.set(r.message_id, byCode);
  }
  return out;
}
