import type { Me } from './api';
import { Avatar } from './Avatar';
import { shortTime } from './format';
import { bbCodeToPlainText } from './render/index';
import type { RecentItem } from './types';

interface Props {
  me: Me;
  items: RecentItem[];
  current: string | null;
  online: boolean;
  onOpen(id: string): void;
  onNew(mode: 'dialog' | 'chat'): void;
  onSignOut(): void;
}

/** The recent dialogs: avatar, title, last message, unread counter. */
export function Sidebar({ me, items, current, online, onOpen, onNew, onSignOut }: Props) {
  return (
    <aside className="sidebar" aria-label="Recent dialogs">
      <header className="sidebar-head">
        <div className="me">
          <Avatar name={me.name} size={32} />
          <div>
            <div className="me-name">{me.name}</div>
            <div className={`live-state ${online ? 'up' : 'down'}`} data-testid="live-state">
              {online ? 'online' : 'connecting…'}
            </div>
          </div>
        </div>
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div className="sidebar-actions">
        <button type="button" onClick={() => onNew('dialog')} data-testid="new-dialog">
          + Dialog
        </button>
        <button type="button" onClick={() => onNew('chat')} data-testid="new-chat">
          + Group chat
        </button>
      </div>
      <ul className="recent" data-testid="recent-list">
        {items.length === 0 && <li className="muted pad">No dialogs yet.</li>}
        {items.map((i) => {
          const id = String(i.id);
          const preview = bbCodeToPlainText(i.message.text ?? '', {}) || (i.message.attach ? '[Attachment]' : i.message.file ? '[File]' : '');
          return (
            <li key={id}>
              <a
                href={`#/dialog/${id}`}
                className={`recent-item${current === id ? ' current' : ''}`}
                aria-current={current === id ? 'page' : undefined}
                data-testid={`recent-${id}`}
                onClick={(e) => {
                  e.preventDefault();
                  onOpen(id);
                }}
              >
                <Avatar name={i.title} url={i.avatar.url} color={i.avatar.color} />
                <span className="recent-text">
                  <span className="recent-title">
                    {i.title}
                    {i.user?.bot && <span className="badge">bot</span>}
                  </span>
                  <span className="recent-last">
                    {i.message.author_id === me.id && i.message.id ? 'You: ' : ''}
                    {preview}
                  </span>
                </span>
                <span className="recent-meta">
                  <span className="recent-time">{shortTime(i.message.date ?? i.date_update)}</span>
                  {i.counter > 0 && (
                    <span className="counter" aria-label={`${i.counter} unread`} data-testid="unread-counter">
                      {i.counter}
                    </span>
                  )}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
