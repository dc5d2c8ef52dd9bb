import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { call, type Me } from './api';
import { Avatar } from './Avatar';
import { PeoplePicker } from './Picker';
import type { DialogInfo, Person } from './types';

interface Props {
  info: DialogInfo;
  me: Me;
  users: Record<number, Person>;
  people: Person[];
  onClose(): void;
  onChanged(): void;
  onError(e: unknown): void;
}

/** A group chat's title and members: rename (im.chat.updateTitle), add (im.chat.user.add), remove (im.chat.user.delete). */
export function ChatSettings({ info, me, users, people, onClose, onChanged, onError }: Props) {
  const [title, setTitle] = useState(info.name);
  const [members, setMembers] = useState<number[]>([]);
  const [adding, setAdding] = useState(false);
  const reload = useCallback(() => call<number[]>('im.chat.user.list', { CHAT_ID: info.id }).then(setMembers, onError), [info.id, onError]);
  useEffect(() => {
    void reload();
  }, [reload, info]);

  const rename = (e: FormEvent) => {
    e.preventDefault();
    call('im.chat.updateTitle', { CHAT_ID: info.id, TITLE: title }).then(onChanged, onError);
  };
  const canKick = info.owner === me.id || info.manager_list.includes(me.id);

  return (
    <section className="chat-settings" aria-label="Chat settings" data-testid="chat-settings-panel">
      <form onSubmit={rename} className="row">
        <label className="grow">
          Title
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="rename-input" />
        </label>
        <button type="submit" data-testid="rename-save">
          Rename
        </button>
      </form>
      <h3>Members ({members.length})</h3>
      <ul className="members">
        {members.map((id) => (
          <li key={id} data-testid={`member-${id}`}>
            <Avatar name={users[id]?.name ?? String(id)} url={users[id]?.avatar} color={users[id]?.color} size={24} />
            <span className="grow">
              {users[id]?.name ?? `User ${id}`} {users[id]?.bot && <span className="badge">bot</span>} {id === info.owner && <span className="muted">owner</span>}
            </span>
            {(id === me.id || (canKick && id !== info.owner)) && (
              <button type="button" className="link" onClick={() => call('im.chat.user.delete', { CHAT_ID: info.id, USER_ID: id }).then(() => reload().then(onChanged), onError)} data-testid={`remove-${id}`}>
                {id === me.id ? 'Leave' : 'Remove'}
              </button>
            )}
          </li>
        ))}
      </ul>
      {adding ? (
        <PeoplePicker
          label="Add to the chat"
          people={people.filter((p) => !members.includes(p.id))}
          onPick={(p) =>
            call('im.chat.user.add', { CHAT_ID: info.id, USERS: [p.id] }).then(() => {
              setAdding(false);
              void reload().then(onChanged);
            }, onError)
          }
        />
      ) : (
        <button type="button" onClick={() => setAdding(true)} data-testid="add-member">
          Add people or bots
        </button>
      )}
      <button type="button" className="link" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
