import { useEffect, useState } from 'react';
import { loadSession, type Me } from './api';
import { Inspector } from './Inspector';
import { Resources } from './Resources';

type Tab = 'inspector' | 'resources';

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [tab, setTab] = useState<Tab>(() => (location.hash === '#resources' ? 'resources' : 'inspector'));
  useEffect(() => {
    loadSession().then(setMe, () => setMe(null));
  }, []);
  useEffect(() => {
    location.hash = tab;
  }, [tab]);

  if (me === undefined) return <p className="center">Loading…</p>;
  if (!me || !me.isAdmin) {
    return (
      <div className="center">
        <h1>Developer console</h1>
        <p>{me ? `${me.name} is not an administrator.` : 'Not signed in.'} The console is for the portal’s administrator.</p>
        <p>
          Sign in on <a href="/">the messenger page</a> as the administrator (the sign-in link printed at start, or
          <code> imbot-server user login-link 1</code>), then come back.
        </p>
      </div>
    );
  }
  return (
    <div className="app">
      <nav>
        <strong>imbot-server console</strong>
        <button className={tab === 'inspector' ? 'active' : ''} onClick={() => setTab('inspector')}>
          Inspector
        </button>
        <button className={tab === 'resources' ? 'active' : ''} onClick={() => setTab('resources')}>
          Resources
        </button>
        <span className="who">{me.name}</span>
        <a href="/">Messenger</a>
      </nav>
      <main>{tab === 'inspector' ? <Inspector /> : <Resources />}</main>
    </div>
  );
}
