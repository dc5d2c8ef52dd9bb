import { memo, useState } from 'react';
import { shortTime } from './format';
import { isDeletedMessage, isSystemMessage, type KeyboardHandlers, MessageBody, MessageBubble, messageParams, type UserRef } from './render/index';
import type { Message } from './types';

interface Props extends KeyboardHandlers {
  message: Message;
  meId: number;
  users: Record<number, UserRef>;
  /** Highest message id the other members have read (own messages up to it show as read). */
  readUpTo: number;
  replied?: Message;
  onReply(m: Message): void;
  onEdit(m: Message): void;
  onDelete(m: Message): void;
  onLike(m: Message, on: boolean): void;
}

/** A thumbs-up drawn inline: headless and minimal systems often have no emoji font. */
const ThumbIcon = () => (
  <svg width="12" height="12" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.4-1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z" />
  </svg>
);

/** Who liked a message: the LIKE param the platform keeps (CIMMessenger::Like), as user ids. */
const likesOf = (m: Message): number[] => {
  const like = messageParams(m).LIKE;
  return Array.isArray(like) ? like.map(Number) : [];
};

/** One message: the rendered body, its reactions, read mark, and the person's actions on it. */
export const MessageItem = memo(function MessageItem(p: Props) {
  const m = p.message;
  const [raw, setRaw] = useState(false);
  const own = m.author_id === p.meId;
  const system = isSystemMessage(m);
  const deleted = isDeletedMessage(m);
  const likes = likesOf(m);
  const liked = likes.includes(p.meId);
  const author = p.users[m.author_id]?.name ?? (m.author_id ? `User ${m.author_id}` : '');
  return (
    <article className="message" data-testid="message" data-message-id={m.id} data-own={own ? 'Y' : 'N'} aria-label={system ? 'System message' : `Message from ${own ? 'you' : author}`}>
      <MessageBubble message={m} own={own} authorName={author} time={shortTime(m.date)}>
        {p.replied && (
          <blockquote className="reply-quote" data-testid="reply-quote">
            <strong>{p.users[p.replied.author_id]?.name ?? ''}</strong> {p.replied.text.slice(0, 120)}
          </blockquote>
        )}
        <MessageBody message={m} users={p.users} onCommand={p.onCommand} onAction={p.onAction} onOpenLink={p.onOpenLink} onApp={p.onApp} />
        <div className="message-foot">
          {likes.length > 0 && (
            <button
              type="button"
              className={`reaction${liked ? ' mine' : ''}`}
              data-testid="reaction"
              aria-pressed={liked}
              aria-label={`Like, ${likes.length}`}
              onClick={() => p.onLike(m, !liked)}
            >
              <ThumbIcon /> {likes.length}
            </button>
          )}
          {own && !system && !deleted && (
            <span className="read-mark" data-testid="read-mark" title={m.id <= p.readUpTo ? 'Read' : 'Sent'}>
              {m.id <= p.readUpTo ? '✓✓' : '✓'}
            </span>
          )}
        </div>
      </MessageBubble>
      {!system && (
        <div className={`message-actions${own ? ' own' : ''}`} role="toolbar" aria-label="Message actions">
          {!deleted && (
            <button type="button" onClick={() => p.onReply(m)} data-testid="action-reply">
              Reply
            </button>
          )}
          {!deleted && (
            <button type="button" onClick={() => p.onLike(m, !liked)} aria-pressed={liked} data-testid="action-like">
              {liked ? 'Unlike' : 'Like'}
            </button>
          )}
          {own && !deleted && (
            <button type="button" onClick={() => p.onEdit(m)} data-testid="action-edit">
              Edit
            </button>
          )}
          {own && !deleted && (
            <button type="button" onClick={() => p.onDelete(m)} data-testid="action-delete">
              Delete
            </button>
          )}
          <button type="button" onClick={() => setRaw(!raw)} aria-expanded={raw} data-testid="action-raw">
            {raw ? 'Hide raw' : 'Raw'}
          </button>
        </div>
      )}
      {raw && (
        <pre className="raw" data-testid="raw-json">
          {JSON.stringify(m, null, 2)}
        </pre>
      )}
    </article>
  );
});
