import type { Store } from '../../store/store.js';
import type { ChatRow } from '../../store/repos/chats.js';
import type { MessageRow } from '../../store/repos/messages.js';
import { isoDate } from '../../util/time.js';
import { ApiError } from '../errors.js';
import type { Emit } from './events.js';

export const FORWARD_LIMIT = 100;

/**
 * Forwards messages into `chat` as `authorId` (Chat.Message.send `forwardIds`: `{uuid: messageId}`).
 * The author may only forward from chats it is a member of; at most 100 at once. Returns `{uuid: newId}`.
 */
export async function forwardMessages(
  store: Store,
  emit: Emit,
  chat: ChatRow,
  authorId: number,
  forwards: Record<string, unknown>,
): Promise<Record<string, number>> {
  const entries = Object.entries(forwards);
  if (entries.length > FORWARD_LIMIT) throw new ApiError('SENDING_FAILED', `At most ${FORWARD_LIMIT} messages can be forwarded at once`);
  const map: Record<string, number> = {};
  for (const [uuid, rawId] of entries) {
    const id = Number(rawId);
    const source: MessageRow | undefined = Number.isInteger(id) && id > 0 ? await store.messages.byId(id) : undefined;
    if (!source || !(await store.chats.member(source.chat_id, authorId))) throw new ApiError('ACCESS_DENIED', 'Access denied');
    const params = JSON.parse(source.params || '{}') as Record<string, unknown>;
    if (params.IS_DELETED === 'Y') throw new ApiError('ACCESS_DENIED', 'Access denied');
    delete params.REPLY_ID;
    delete params.IS_EDITED;
    Object.assign(params, {
      FORWARD_ID: source.id,
      FORWARD_USER_ID: source.is_system ? 0 : source.author_id,
      FORWARD_CHAT_ID: source.chat_id,
      FORWARD_DATE: source.created_at,
    });
    const message = await store.messages.insert({
      chat_id: chat.id,
      author_id: authorId,
      text: source.text,
      params: JSON.stringify(params),
      uuid: uuid,
      template_id: null,
      created_at: isoDate(),
    });
    await store.chats.noteMessage(chat.id, message.id);
    emit({ kind: 'message.added', chatId: chat.id, messageId: message.id, authorId, skipCommands: true });
    map[uuid] = message.id;
  }
  return map;
}
