import { type Avatar, parseAvatar, storeImage } from '../bots/bots.js';
import { ApiError } from '../errors.js';
import type { Platform } from '../platform.js';

/** im.chat.updateAvatar's errors; imbot.chat.updateAvatar and imbot.v2.Chat.add / update raise the same. */
export const ChatAvatarErrors = {
  type: () => new ApiError('AVATAR_ERROR', 'Avatar incorrect type'),
  size: () => new ApiError('AVATAR_ERROR', 'Avatar incorrect size (max 5000x5000)'),
};

/** A chat avatar: a Base64 image of at most 5000×5000; anything else, nothing included, is AVATAR_ERROR. */
export function chatAvatar(v: unknown): Avatar {
  let avatar: Avatar | undefined;
  try {
    avatar = parseAvatar(v);
  } catch (e) {
    throw e instanceof ApiError && e.code === 'BOT_AVATAR_INCORRECT_SIZE' ? ChatAvatarErrors.size() : ChatAvatarErrors.type();
  }
  if (!avatar) throw ChatAvatarErrors.type();
  return avatar;
}

/** Keeps the image as `avatars/chat<N>.<ext>` (replacing the chat's older one); the URL it is served at. */
export const storeChatAvatar = (p: Platform, chatId: number, avatar: Avatar) => storeImage(p, `chat${chatId}`, avatar);
