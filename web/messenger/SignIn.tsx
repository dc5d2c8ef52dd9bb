import { type FormEvent, useState } from 'react';
import { type Session, signIn } from './api';

/** Password sign-in; one-time links (`imbot-server user login-link N`) sign in without this form. */
export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const failed = new URLSearchParams(location.search).get('login') === 'failed';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await signIn(login, password));
    } catch (err) {
      setError((err as Error & { description?: string }).description ?? String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">imbot-server messenger</h1>
        <p className="muted">Sign in as a portal user. Passwords are set with <code>imbot-server user add --password</code>; one-time links come from <code>imbot-server user login-link N</code>.</p>
        {failed && <p role="alert" className="error">That sign-in link did not work.</p>}
        <label>
          Login or e-mail
          <input name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p role="alert" className="error" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
