import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, loadSession, type Session, signOut, web } from './api';
import { liveBus } from './bus';
import { Dialog } from './Dialog';
import { dialogFromHash, dialogHash } from './format';
import { connectLive, type LiveEvent } from './live';
import { NewDialog } from './NewDialog';
import { Sidebar } from './Sidebar';
import { SignIn } from './SignIn';
import type { Person, RecentItem } from './types';

/** The messenger: who is signed in, the recent dialogs, the open one, and the live feed that keeps them current. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    loadSession().then(setSession, () => setSession(null));
  }, []);
  if (session === undefined) return <div className="loading" aria-busy="true" />;
  if (!session) return <SignIn onSignedIn={setSession} />;
  return <Messenger session={session} onSignedOut={() => setSession(null)} />;
}

function Messenger({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const me = session.user;
  const [recent, setRecent] = useState<RecentItem[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [dialogId, setDialogId] = useState<string | null>(() => dialogFromHash(location.hash));
  const [online, setOnline] = useState(false);
  const [picker, setPicker] = useState<null | 'dialog' | 'chat'>(null);

  const refreshRecent = useCallback(() => {
    call<{ items: RecentItem[] }>('im.recent.list', { LIMIT: 200 }).then((r) => setRecent(r.items), () => undefined);
  }, []);
  const refreshPeople = useCallback(() => {
    web<Person[]>('directory').then(setPeople, () => undefined);
  }, []);

  // The recent list is refetched at most every 150 ms however many events arrive.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(refreshRecent, 150);
  }, [refreshRecent]);

  useEffect(() => {
    refreshRecent();
    refreshPeople();
    return connectLive(
      (e: LiveEvent) => {
        liveBus.emit(e);
        if (['message.added', 'message.updated', 'message.deleted', 'chat.read', 'chat.updated', 'chat.joined', 'chat.left'].includes(e.kind)) refreshSoon();
        if (e.kind === 'chat.joined') refreshPeople();
      },
      () => {
        refreshRecent();
        liveBus.emit({ kind: 'resync' });
      },
      setOnline,
    );
  }, [refreshRecent, refreshPeople, refreshSoon]);

  useEffect(() => {
    const onHash = () => setDialogId(dialogFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const open = useCallback((id: string | null) => {
    location.hash = id ? dialogHash(id) : '';
    setDialogId(id);
  }, []);

  const users = useMemo(() => Object.fromEntries(people.map((p) => [p.id, p])), [people]);

  return (
    <div className={`app${dialogId ? ' has-dialog' : ''}`}>
      <Sidebar
        me={me}
        items={recent}
        current={dialogId}
        online={online}
        onOpen={open}
        onNew={setPicker}
        onSignOut={() => signOut().then(onSignedOut)}
      />
      <main className="main" aria-label="Dialog">
        {dialogId ? (
          <Dialog key={dialogId} dialogId={dialogId} me={me} users={users} people={people} onBack={() => open(null)} onRead={refreshSoon} onOpenDialog={open} />
        ) : (
          <div className="empty">
            <p>Choose a dialog on the left, or start a new one.</p>
          </div>
        )}
      </main>
      {picker && (
        <NewDialog
          mode={picker}
          me={me}
          people={people}
          onClose={() => setPicker(null)}
          onOpened={(id) => {
            setPicker(null);
            refreshSoon();
            open(id);
          }}
        />
      )}
    </div>
  );
}
