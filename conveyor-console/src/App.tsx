import { lazy, Suspense, useState } from 'react';
import { storedCredentials, storeCredentials } from './api/client';
import { Link } from './components/Link';
import { match, usePath } from './router';
import { SignIn } from './views/SignIn';
import { PipelineList } from './views/PipelineList';
import { PipelineView } from './views/PipelineView';
import { ExecutionHistory } from './views/ExecutionHistory';
import { ExecutionDetail } from './views/ExecutionDetail';
import { LogView } from './views/LogView';
import { Approvals } from './views/Approvals';

// The editor (forms, JSON view, diff) is loaded when first opened.
const Editor = lazy(() => import('./views/Editor').then((m) => ({ default: m.Editor })));

export function App() {
  const [signedIn, setSignedIn] = useState(() => storedCredentials() !== null);
  const path = usePath();
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  let m: Record<string, string> | null;
  let view;
  if ((m = match('/pipelines/:name', path))) view = <PipelineView key={m.name} name={m.name} />;
  else if ((m = match('/pipelines/:name/executions', path))) view = <ExecutionHistory name={m.name} />;
  else if ((m = match('/pipelines/:name/executions/:id', path))) view = <ExecutionDetail name={m.name} id={m.id} />;
  else if ((m = match('/pipelines/:name/edit', path))) view = <Editor name={m.name} />;
  else if (match('/new', path)) view = <Editor name={null} />;
  else if ((m = match('/logs/:name/:id', path))) view = <LogView name={m.name} id={m.id} />;
  else if (match('/approvals', path)) view = <Approvals />;
  else view = <PipelineList />;
  return (
    <div className="app">
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">Conveyor</Link>
        <nav aria-label="Main">
          <Link to="/">Pipelines</Link>
          <Link to="/approvals">Approvals</Link>
          <Link to="/new">New pipeline</Link>
        </nav>
        <span className="who">{storedCredentials()?.accessKeyId}</span>
        <button
          onClick={() => {
            storeCredentials(null);
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>Loading…</p>}>{view}</Suspense>
      </main>
    </div>
  );
}
