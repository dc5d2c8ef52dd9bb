import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { get, post } from './api';
import { JsonView } from './JsonView';

type Any = Record<string, any>;

/** Loads a list from the control plane; `reload` after a change. */
function useList(path: string): [Any[], () => void, string] {
  const [items, setItems] = useState<Any[]>([]);
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    get<Any[]>(path).then(
      (r) => {
        setItems(r);
        setError('');
      },
      (e) => setError(String(e.message ?? e)),
    );
  }, [path]);
  useEffect(reload, [reload]);
  return [items, reload, error];
}

function Panel({ title, error, children, actions }: { title: string; error?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel">
      <header>
        <h2>{title}</h2>
        {actions}
      </header>
      {error && <p className="message">{error}</p>}
      {children}
    </section>
  );
}

const copy = (text: string) => void navigator.clipboard?.writeText(text);

/** A one-time secret: shown until dismissed, never listed again. */
function Secret({ value, onClose }: { value: Any | null; onClose: () => void }) {
  if (!value) return null;
  return (
    <div className="secret">
      <p>Copy these now — the secret is not shown again.</p>
      <JsonView value={value} />
      <button onClick={onClose}>Done</button>
    </div>
  );
}

function Users() {
  const [users, reload, error] = useList('/_imbot/users');
  const [name, setName] = useState('');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    await post('/_imbot/users', { name: name.trim() });
    setName('');
    reload();
  };
  return (
    <Panel title="Users" error={error}>
      <form onSubmit={(e) => void add(e)} className="inline">
        <input aria-label="New user name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Add user</button>
      </form>
      <table>
        <thead>
          <tr><th>id</th><th>name</th><th>login</th><th>kind</th><th>admin</th></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}><td>{u.id}</td><td>{u.name}</td><td>{u.login}</td><td>{u.kind}</td><td>{u.admin ? 'yes' : ''}</td></tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function Webhooks() {
  const [hooks, reload, error] = useList('/_imbot/webhooks');
  const [userId, setUserId] = useState('1');
  const [scopes, setScopes] = useState('all');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    await post('/_imbot/webhooks', { userId: Number(userId), scopes: scopes.trim() || 'all' });
    reload();
  };
  const revoke = async (id: number) => {
    await post(`/_imbot/webhooks/${id}/revoke`);
    reload();
  };
  return (
    <Panel title="Incoming webhooks" error={error}>
      <form onSubmit={(e) => void add(e)} className="inline">
        <input aria-label="Webhook user" value={userId} onChange={(e) => setUserId(e.target.value)} size={4} />
        <input aria-label="Webhook scopes" value={scopes} onChange={(e) => setScopes(e.target.value)} placeholder="imbot,im or all" />
        <button type="submit">Create webhook</button>
      </form>
      <table>
        <thead>
          <tr><th>id</th><th>user</th><th>title</th><th>scopes</th><th>URL</th><th /></tr>
        </thead>
        <tbody>
          {hooks.map((h) => (
            <tr key={h.id} className={h.active ? '' : 'inactive'}>
              <td>{h.id}</td><td>{h.userId}</td><td>{h.title}</td><td className="wrap">{h.scopes.join(', ')}</td>
              <td className="mono">{h.url ?? 'revoked'}</td>
              <td>
                {h.url && <button className="small" onClick={() => copy(h.url)}>Copy URL</button>}
                {h.active && <button className="small danger" onClick={() => void revoke(h.id)}>Revoke</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function Apps() {
  const [apps, reload, error] = useList('/_imbot/apps');
  const [name, setName] = useState('');
  const [handler, setHandler] = useState('');
  const [secret, setSecret] = useState<Any | null>(null);
  const [note, setNote] = useState('');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setSecret(await post('/_imbot/apps', { name: name.trim(), handler: handler.trim(), scopes: 'imbot,im,user' }));
    setName('');
    reload();
  };
  const install = async (clientId: string) => {
    const r = await post<Any>(`/_imbot/apps/${encodeURIComponent(clientId)}/install`, { userId: 1 });
    setNote(r.handlerUrl ? `ONAPPINSTALL → ${r.handlerUrl}: ${r.delivered ? `HTTP ${r.status}` : (r.error ?? `HTTP ${r.status}`)}` : 'Installed (no handler URL, nothing posted)');
    reload();
  };
  return (
    <Panel title="OAuth applications" error={error || note}>
      <form onSubmit={(e) => void add(e)} className="inline">
        <input aria-label="App name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <input aria-label="Handler URL" placeholder="Handler URL (ONAPPINSTALL)" value={handler} onChange={(e) => setHandler(e.target.value)} />
        <button type="submit">Create application</button>
      </form>
      <Secret value={secret} onClose={() => setSecret(null)} />
      <table>
        <thead>
          <tr><th>id</th><th>name</th><th>client_id</th><th>handler</th><th>scopes</th><th>installed</th><th /></tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td><td>{a.name}</td><td className="mono">{a.clientId}</td><td className="mono">{a.handlerUrl}</td>
              <td className="wrap">{a.scopes.join(', ')}</td><td>{a.installed ? 'yes' : 'no'}</td>
              <td><button className="small" onClick={() => void install(a.clientId)}>{a.installed ? 'Reinstall' : 'Install'}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function Bots() {
  const [bots, reload, error] = useList('/_imbot/bots');
  const [peek, setPeek] = useState<Any | null>(null);
  return (
    <Panel title="Bots" error={error} actions={<button className="small" onClick={reload}>Refresh</button>}>
      <table>
        <thead>
          <tr><th>id</th><th>code</th><th>name</th><th>type</th><th>api</th><th>mode</th><th>owner</th><th>commands</th><th>chats</th><th>queue</th><th /></tr>
        </thead>
        <tbody>
          {bots.map((b) => (
            <tr key={b.id}>
              <td>{b.id}</td><td className="mono">{b.code}</td><td>{b.name}</td><td>{b.type}</td><td>{b.api}</td>
              <td>{b.mode}{b.webhookUrl ? <div className="mono">{b.webhookUrl}</div> : null}</td>
              <td>{b.appId ? `app ${b.appId}` : b.owner}</td>
              <td className="wrap">{b.commands.map((c: Any) => `/${c.command}`).join(' ')}</td>
              <td className="wrap">{b.chats.join(', ')}</td>
              <td>{b.queueDepth}</td>
              <td><button className="small" onClick={() => void get(`/_imbot/bots/${b.id}/queue`).then(setPeek)}>Peek</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {peek && (
        <div className="peek">
          <div className="detail-head">
            <strong>Queue of bot {peek.botId} (not acknowledged)</strong>
            <button className="small" onClick={() => setPeek(null)}>Close</button>
          </div>
          <JsonView value={peek} />
        </div>
      )}
    </Panel>
  );
}

function Chats() {
  const [chats, reload, error] = useList('/_imbot/chats');
  return (
    <Panel title="Chats" error={error} actions={<button className="small" onClick={reload}>Refresh</button>}>
      <table>
        <thead>
          <tr><th>id</th><th>type</th><th>title</th><th>owner</th><th>members</th><th>messages</th></tr>
        </thead>
        <tbody>
          {chats.map((c) => (
            <tr key={c.id}><td>{c.id}</td><td>{c.type}</td><td>{c.title}</td><td>{c.ownerId}</td><td className="wrap">{c.members.join(', ')}</td><td>{c.messageCount}</td></tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function ChatApps() {
  const [apps, , error] = useList('/_imbot/chat-apps');
  return (
    <Panel title="Chat apps" error={error}>
      <table>
        <thead>
          <tr><th>id</th><th>bot</th><th>code</th><th>context</th><th>target</th></tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.id}><td>{a.id}</td><td>{a.botId}</td><td className="mono">{a.code}</td><td>{a.context}</td><td className="mono">{a.iframe ?? a.js}</td></tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

/** Reset and seed, the control plane's two portal-wide actions. */
function Portal({ onChange }: { onChange: () => void }) {
  const [seed, setSeed] = useState('users:\n  - key: alice\n    name: Alice\n');
  const [out, setOut] = useState<Any | null>(null);
  const [error, setError] = useState('');
  const run = async (fn: () => Promise<Any>) => {
    try {
      setOut(await fn());
      setError('');
      onChange();
    } catch (e) {
      setError(String((e as Error).message));
    }
  };
  return (
    <Panel title="Portal" error={error}>
      <div className="inline">
        <button className="danger" onClick={() => confirm('Delete everything but the administrator and the admin webhook?') && void run(() => post('/_imbot/reset'))}>
          Reset portal
        </button>
      </div>
      <textarea aria-label="Seed document" value={seed} onChange={(e) => setSeed(e.target.value)} rows={6} />
      <div className="inline">
        <button onClick={() => void run(() => post('/_imbot/seed', seed))}>Seed (YAML or JSON)</button>
      </div>
      {out && <JsonView value={out} />}
    </Panel>
  );
}

export function Resources() {
  const [generation, setGeneration] = useState(0);
  return (
    <div className="resources" key={generation}>
      <Portal onChange={() => setGeneration((g) => g + 1)} />
      <Bots />
      <Users />
      <Webhooks />
      <Apps />
      <Chats />
      <ChatApps />
    </div>
  );
}
