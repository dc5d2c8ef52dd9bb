import { ApiError } from '../domain/errors.js';
import { Chats, privateKey, resolveDialog } from '../domain/messenger/chats.js';
import { cleanFileName, decodeContent, type FileErrors, fileObjects, uploadFile } from '../domain/messenger/files.js';
import { withEvents } from '../events/pipeline.js';
import { dialogIdOf } from '../format/chat.js';
import type { ChatRow } from '../store/repos/chats.js';
import type { FileRow } from '../store/repos/files.js';
import type { Store } from '../store/store.js';
import type { MethodContext } from './registry.js';
import { field } from './v2-common.js';

/** `fields` of File.upload: `name`, `content` (base64 or `[name, base64]`), optional `message`. */
function uploadFields(fields: unknown, errors: FileErrors) {
  const f = fields && typeof fields === 'object' ? (fields as Record<string, unknown>) : undefined;
  if (!f) throw errors.empty();
  const content = field(f, 'content');
  const nameGiven = cleanFileName(field(f, 'name'));
  // A multipart part (or PHP's [name, base64]) names itself when `name` is left out.
  const { bytes, partName } = decodeContent(content, errors);
  const name = nameGiven || cleanFileName(partName);
  if (!name) throw errors.empty();
  const text = field(f, 'message');
  return { name, bytes, message: typeof text === 'string' || typeof text === 'number' ? String(text) : undefined };
}

/**
 * File.upload for both APIs: the content is checked first (no database work for a bad upload), then
 * the dialog (its absence is the "chat folder" error), then the right to write there.
 */
export async function uploadAs(
  ctx: MethodContext,
  actorId: number,
  p: Record<string, unknown>,
  errors: FileErrors,
  audience: 'bot' | 'user',
): Promise<Record<string, unknown>> {
  const input = uploadFields(p.fields, errors);
  return withEvents(ctx.platform, async (tx, emit) => {
    let chat: ChatRow;
    try {
      chat = await resolveDialog(tx, emit, actorId, p.dialogId ?? p.DIALOG_ID);
    } catch (e) {
      if (e instanceof ApiError) throw errors.folder();
      throw e;
    }
    if (!(await tx.chats.member(chat.id, actorId))) throw errors.send();
    const { file, message } = await uploadFile(ctx.platform, tx, emit, { chat, authorId: actorId, ...input, errors });
    const [view] = await fileObjects(ctx.platform, tx, [file], audience);
    return { file: view, messageId: message.id, chatId: chat.id, dialogId: dialogIdOf(chat, await tx.chats.members(chat.id), actorId) };
  });
}

/**
 * The chat a `dialogId` names for `userId`, without creating anything (a download never opens a
 * private dialog); undefined when there is none.
 */
export async function existingDialog(store: Store, userId: number, dialogId: unknown): Promise<ChatRow | undefined> {
  const d = typeof dialogId === 'number' ? String(dialogId) : typeof dialogId === 'string' ? dialogId.trim() : '';
  if (/^\d+$/.test(d)) return store.chats.byPrivateKey(privateKey(userId, Number(d)));
  try {
    return await resolveDialog(store, () => undefined, userId, d);
  } catch (e) {
    if (e instanceof ApiError && (e.code === Chats.notFound().code || e.code === Chats.dialogInvalid().code)) return undefined;
    throw e;
  }
}

/** May `userId` see `file`: a member of its chat whose visible history (START_ID) includes the file's message. */
export async function canSeeFile(store: Store, file: FileRow, userId: number): Promise<boolean> {
  const member = await store.chats.member(file.chat_id, userId);
  if (!member) {
    const chat = await store.chats.byId(file.chat_id);
    return chat?.type === 'O';
  }
  return !member.start_id || member.start_id <= file.message_id;
}
