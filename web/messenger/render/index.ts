/// <reference path="./css.d.ts" />
import './render.css';

export { MessageBody, MessageBubble, messageParams, messagePreviewText, isSystemMessage, isDeletedMessage, isEditedMessage, DELETED_TEXT } from './message-body.js';
export type { MessageBodyProps } from './message-body.js';
export { renderBbCode } from './bbcode.js';
export { bbCodeToPlainText } from './plain-text.js';
export { ExternalLink } from './external-link.js';
export { Keyboard, keyboardButtons } from './keyboard.js';
export type { KeyboardHandlers, KeyboardProps } from './keyboard.js';
export { MessageMenu, menuItems } from './menu.js';
export { Attach, attachList, formatFileSize } from './attach.js';
export { AttachGrid } from './grid.js';
export { safeUrl, safeImageUrl, safeColor } from './safe.js';
export type * from './types.js';
