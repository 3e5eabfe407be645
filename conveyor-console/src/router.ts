// A tiny history router: paths under /console/, so every view has a URL that can be bookmarked and reloaded
// (the server answers index.html for any /console/ path that is not a file).
import { useEffect, useState } from 'react';

export const BASE = '/console';

export function navigate(path: string) {
  window.history.pushState(null, '', BASE + path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const read = () => {
    const p = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
    return p === '' ? '/' : p;
  };
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return path;
}

/** Matches a path against a pattern like /pipelines/:name; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export const enc = encodeURIComponent;
