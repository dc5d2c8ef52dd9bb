import type { ReactNode } from 'react';
import { Attach, attachList } from './attach.js';
import { renderBbCode } from './bbcode.js';
import { bbCodeToPlainText } from './plain-text.js';
import { Keyboard, keyboardButtons, type KeyboardHandlers } from './keyboard.js';
import { MessageMenu, menuItems } from './menu.js';
import type { ChatRef, MessageParams, RenderContext, StoredMessage, UserRef } from './types.js';

/** What im.dialog.messages.get shows in place of a deleted message (src/format/message.ts). */
export const DELETED_TEXT = 'This message was deleted.';

export interface MessageBodyProps extends KeyboardHandlers {
  message: StoredMessage;
  users: Record<number, UserRef>;
  chats?: Record<number, ChatRef>;
  timeZone?: string;
  locale?: string;
  /** Open the context menu from the start (static renders, the gallery). */
  defaultMenuOpen?: boolean;
}

/** `params` as an object: the API sends PHP's empty array `[]` for "none". */
export function messageParams(m: StoredMessage): MessageParams {
  const p = m.params;
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as MessageParams) : {};
}

const authorOf = (m: StoredMessage) => Number(m.author_id ?? (m as unknown as { authorId?: number }).authorId ?? 0);

/** System messages come without an author (entities.md: authorId `0` for system messages). */
export function isSystemMessage(m: StoredMessage): boolean {
  if (typeof m.system === 'boolean') return m.system;
  const p = messageParams(m);
  return authorOf(m) === 0 || p.SYSTEM === 'Y' || (m as unknown as { isSystem?: boolean }).isSystem === true;
}

export const isDeletedMessage = (m: StoredMessage) => messageParams(m).IS_DELETED === 'Y';
export const isEditedMessage = (m: StoredMessage) => messageParams(m).IS_EDITED === 'Y';

/**
 * A message as Bitrix24 draws it: the BB-code text, the attachments, the keyboard, the bot's context
 * menu and the edited / deleted markers. The bubble around it belongs to the page (or MessageBubble).
 */
export function MessageBody(p: MessageBodyProps) {
  const m = p.message;
  const params = messageParams(m);
  const deleted = params.IS_DELETED === 'Y';
  const system = isSystemMessage(m);
  const ctx: RenderContext = { users: p.users, chats: p.chats, onAction: p.onAction, onOpenLink: p.onOpenLink, timeZone: p.timeZone, locale: p.locale };
  const authorId = authorOf(m);
  const attaches = deleted ? [] : attachList(params.ATTACH);
  const buttons = deleted ? [] : keyboardButtons(params.KEYBOARD);
  const menu = deleted ? [] : menuItems(params.MENU);
  const handlers = { onCommand: p.onCommand, onAction: p.onAction, onOpenLink: p.onOpenLink, onApp: p.onApp };
  const classes = ['b24r-body', system ? 'b24r-system' : '', deleted ? 'b24r-is-deleted' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes} data-testid="message-body" data-message-id={m.id} data-system={system ? 'Y' : undefined} data-deleted={deleted ? 'Y' : undefined}>
      {menu.length > 0 && <MessageMenu items={menu} messageId={m.id} authorId={authorId} defaultOpen={p.defaultMenuOpen} {...handlers} />}
      {deleted ? (
        <div className="b24r-deleted" data-testid="deleted-marker">
          {m.text || DELETED_TEXT}
        </div>
      ) : (
        m.text && <div className="b24r-text">{renderBbCode(m.text, ctx)}</div>
      )}
      {attaches.map((a, i) => (
        <Attach key={i} attach={a} ctx={ctx} />
      ))}
      {!deleted && isEditedMessage(m) && (
        <span className="b24r-edited" data-testid="edited-marker" title="The message was edited">
          edited
        </span>
      )}
      {buttons.length > 0 && (
        // A new keyboard (message update) remounts it, which lifts a BLOCK=Y lock as the messenger does.
        <Keyboard key={JSON.stringify(buttons)} buttons={buttons} messageId={m.id} authorId={authorId} {...handlers} />
      )}
    </div>
  );
}

/** A rounded message bubble as in the Bitrix24 chat: own messages on the right in green, system ones centred. */
export function MessageBubble(p: { message: StoredMessage; own?: boolean; authorName?: string; time?: string; children: ReactNode }) {
  const system = isSystemMessage(p.message);
  const cls = ['b24r-bubble', system ? 'b24r-bubble-system' : p.own ? 'b24r-bubble-own' : 'b24r-bubble-other'].join(' ');
  return (
    <div className={`b24r-bubble-row${p.own && !system ? ' b24r-row-own' : ''}${system ? ' b24r-row-system' : ''}`}>
      <div className={cls}>
        {p.authorName && !system && !p.own && <div className="b24r-author">{p.authorName}</div>}
        {p.children}
        {p.time && <div className="b24r-time">{p.time}</div>}
      </div>
    </div>
  );
}

/** One line of text for dialog lists and notifications. */
export function messagePreviewText(m: StoredMessage, users: Record<number, UserRef> = {}): string {
  const params = messageParams(m);
  if (params.IS_DELETED === 'Y') return m.text || DELETED_TEXT;
  const text = bbCodeToPlainText(m.text, { users });
  if (text) return text;
  if (attachList(params.ATTACH).length) return '[Attachment]';
  if (Array.isArray(params.FILE_ID) && params.FILE_ID.length) return '[File]';
  return '';
}
