import { useState } from 'react';
import { ApiError, storeCredentials, verifyCredentials } from '../api/client';

/** Access key sign-in: checked with one signed call, then kept in sessionStorage only (gone when the tab closes). */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecret] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="signin" id="main">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          const credentials = { accessKeyId: accessKeyId.trim(), secretAccessKey, region: region.trim() || 'us-east-1' };
          try {
            await verifyCredentials(credentials);
            storeCredentials(credentials);
            onSignedIn();
          } catch (err) {
            setError(err instanceof ApiError ? `${err.type}: ${err.message}` : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Sign in to Conveyor</h1>
        <p>Use an access key of this server. It is kept in this browser tab's session only, and every request is signed with it.</p>
        <label>
          Access key ID
          <input name="accessKeyId" autoComplete="username" value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} required autoFocus />
        </label>
        <label>
          Secret access key
          <input name="secretAccessKey" type="password" autoComplete="current-password" value={secretAccessKey} onChange={(e) => setSecret(e.target.value)} required />
        </label>
        <label>
          Region
          <input name="region" value={region} onChange={(e) => setRegion(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
