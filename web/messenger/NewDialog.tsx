import { type FormEvent, useEffect, useRef, useState } from 'react';
import { call, type Me, RestError } from './api';
import { PeoplePicker } from './Picker';
import type { Person } from './types';

/** Start a private dialog with anyone (person or bot), or create a group chat with a title and members. */
export function NewDialog({ mode, me, people, onClose, onOpened }: { mode: 'dialog' | 'chat'; me: Me; people: Person[]; onClose(): void; onOpened(dialogId: string): void }) {
  const [title, setTitle] = useState('');
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [error, setError] = useState('');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const others = people.filter((p) => p.id !== me.id);

  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const id = await call<number>('im.chat.add', { TITLE: title, USERS: [...chosen] });
      onOpened(`chat${id}`);
    } catch (err) {
      setError(err instanceof RestError ? err.description : String(err));
    }
  }

  return (
    <dialog ref={ref} className="modal" onClose={onClose} aria-labelledby="new-title" data-testid="new-dialog-modal">
      <h2 id="new-title">{mode === 'dialog' ? 'New dialog' : 'New group chat'}</h2>
      {mode === 'dialog' ? (
        <PeoplePicker label="People and bots" people={others} onPick={(p) => onOpened(String(p.id))} />
      ) : (
        <form onSubmit={create}>
          <label>
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Optional" data-testid="chat-title-input" />
          </label>
          <PeoplePicker
            label="Members"
            multi
            people={others}
            selected={chosen}
            onPick={(p) =>
              setChosen((s) => {
                const n = new Set(s);
                if (n.has(p.id)) n.delete(p.id);
                else n.add(p.id);
                return n;
              })
            }
          />
          {error && <p role="alert" className="error">{error}</p>}
          <button type="submit" className="primary" data-testid="create-chat">
            Create chat ({chosen.size} {chosen.size === 1 ? 'member' : 'members'})
          </button>
        </form>
      )}
      <button type="button" className="link close" onClick={() => ref.current?.close()}>
        Cancel
      </button>
    </dialog>
  );
}
