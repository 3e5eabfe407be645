import { useEffect, useMemo, useRef, useState } from 'react';
import { readLog } from '../api/client';
import { firstErrorLine, parseAnsi, stripAnsi } from '../components/ansi';
import { Link } from '../components/Link';
import { Status } from '../components/Status';
import { enc } from '../router';

/** An action's log, followed live (asked again from the offset the server gave until it says complete). */
export function LogView({ name, id }: { name: string; id: string }) {
  const [text, setText] = useState('');
  const [complete, setComplete] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const bottom = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let stop = false;
    let offset = 0;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const chunk = await readLog(id, offset);
        if (stop) return;
        offset = chunk.nextOffset;
        if (chunk.text) setText((t) => t + chunk.text);
        setStatus(chunk.actionStatus);
        if (chunk.complete) { setComplete(true); return; }
        timer = setTimeout(poll, chunk.text ? 100 : 700);
      } catch (e: any) {
        if (!stop) setError(e.message);
      }
    };
    poll();
    return () => { stop = true; clearTimeout(timer); };
  }, [id]);

  const lines = useMemo(() => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n'), [text]);
  const plain = useMemo(() => lines.map(stripAnsi), [lines]);
  const firstError = firstErrorLine(plain);
  const needle = search.toLowerCase();
  const matches = needle ? plain.reduce<number[]>((acc, l, i) => (l.toLowerCase().includes(needle) ? [...acc, i] : acc), []) : [];

  useEffect(() => {
    if (follow && !complete) bottom.current?.scrollIntoView({ block: 'end' });
  }, [text, follow, complete]);

  const jump = (line: number) => {
    setFollow(false);
    const el = container.current?.querySelector(`[data-line="${line}"]`) as HTMLElement | null;
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  };

  const rendered = useMemo(() => {
    const state = { fg: null as number | null, bold: false };
    return lines.map((line, i) => (
      <div key={i} data-line={i} tabIndex={-1} className={`log-line${i === firstError ? ' first-error' : ''}${needle && plain[i].toLowerCase().includes(needle) ? ' match' : ''}`}>
        <span className="ln" aria-hidden="true">{i + 1}</span>
        {parseAnsi(line, state).map((s, j) => <span key={j} className={s.className}>{s.text}</span>)}
      </div>
    ));
  }, [lines, firstError, needle]);

  return (
    <section className="log-view">
      <div className="toolbar">
        <h1><Link to={`/pipelines/${enc(name)}`}>{name}</Link> · log</h1>
        <Status status={status ?? undefined} testId="log-action-status" />
        <span data-testid="log-state">{complete ? 'complete' : 'following…'}</span>
        <label><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow</label>
        <input type="search" aria-label="Search the log" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter' && matches.length) jump(matches[0]); }} />
        {needle && <span>{matches.length} matching lines</span>}
        <button disabled={firstError < 0} onClick={() => jump(firstError)}>Jump to first error</button>
        <button onClick={() => {
          const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
          const a = document.createElement('a');
          a.href = url;
          a.download = `${name}-${id}.log`;
          a.click();
          setTimeout(() => URL.revokeObjectURL(url), 1000);
        }}>Download</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <pre className="log" ref={container} data-testid="log" aria-label="Log output" tabIndex={0}>
        {rendered}
        <div ref={bottom} />
      </pre>
    </section>
  );
}
