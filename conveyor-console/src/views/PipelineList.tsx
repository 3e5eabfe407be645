import { useEffect, useMemo, useRef, useState } from 'react';
import { call, listAll } from '../api/client';
import { allPipelinesStreamPath, openEventStream, pipelineOfEvent } from '../api/live';
import type { ExecutionSummary } from '../api/types';
import { Link } from '../components/Link';
import { Status, time } from '../components/Status';
import { enc } from '../router';

interface PipelineSummary { name: string; version: number; pipelineType?: string; executionMode?: string; updated?: number }

const ROW = 44; // px per row at 100% zoom; rows are laid out by the browser, the list only decides which exist.
const OVERSCAN = 8;

/**
 * Every pipeline (ListPipelines, all pages), filtered as you type, in a virtualised list: only the rows in view
 * exist in the page, and only they ask for their last execution (ListPipelineExecutions, maxResults 1, cached).
 */
export function PipelineList() {
  const [pipelines, setPipelines] = useState<PipelineSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [last, setLast] = useState<Record<string, ExecutionSummary | null>>({});
  const asked = useRef(new Set<string>());
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    listAll<PipelineSummary>('ListPipelines', {}, 'pipelines')
      .then((all) => {
        setPipelines(all.sort((a, b) => a.name.localeCompare(b.name)));
        performance.mark('pipeline-list-ready');
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [pipelines !== null]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (pipelines ?? []).filter((p) => !f || p.name.toLowerCase().includes(f));
  }, [pipelines, filter]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const lastIndex = Math.min(shown.length, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);
  const visible = shown.slice(first, lastIndex);

  const lastOf = (name: string) =>
    call<{ pipelineExecutionSummaries: ExecutionSummary[] }>('ListPipelineExecutions', { pipelineName: name, maxResults: 1 })
      .then((r) => setLast((prev) => ({ ...prev, [name]: r.pipelineExecutionSummaries?.[0] ?? null })))
      .catch(() => setLast((prev) => ({ ...prev, [name]: null })));

  // Live: every pipeline's event stream; an event about a pipeline whose row was shown re-reads its last execution
  // (once per pipeline per burst of events). Rows not shown yet read theirs when they come into view.
  useEffect(() => {
    const dirty = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      for (const name of dirty) lastOf(name);
      dirty.clear();
    };
    return openEventStream(allPipelinesStreamPath, {
      event: (e) => {
        if (e.type !== 'CodePipeline Pipeline Execution State Change') return; // a row shows only its execution's status
        const name = pipelineOfEvent(e);
        if (!name || !asked.current.has(name)) return;
        dirty.add(name);
        timer ??= setTimeout(flush, 100);
      },
      // On a reopen without Last-Event-ID, what changed meanwhile is unknown: re-read the rows already read.
      open: (resumed) => { if (!resumed) for (const name of asked.current) dirty.add(name); if (dirty.size) timer ??= setTimeout(flush, 100); },
      down: () => {},
    });
  }, []);

  useEffect(() => {
    const missing = visible.map((p) => p.name).filter((n) => !asked.current.has(n));
    if (missing.length === 0) return;
    const timer = setTimeout(() => {
      for (const name of missing) {
        asked.current.add(name);
        lastOf(name);
      }
    }, 120); // ask only for rows the user stops on, not every row scrolled past
    return () => clearTimeout(timer);
  }, [first, lastIndex, shown]);

  return (
    <section className="list-view">
      <div className="toolbar">
        <h1>Pipelines</h1>
        <label className="filter">
          <span className="visually-hidden">Filter pipelines</span>
          <input type="search" placeholder="Filter by name" value={filter} onChange={(e) => { setFilter(e.target.value); setScrollTop(0); if (scroller.current) scroller.current.scrollTop = 0; }} aria-label="Filter pipelines" />
        </label>
        <span data-testid="pipeline-count">{pipelines ? `${shown.length} of ${pipelines.length}` : ''}</span>
        <Link to="/new" className="button">New pipeline</Link>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {!pipelines && !error && <p>Loading pipelines…</p>}
      {pipelines && (
        <div className="table" role="table" aria-label="Pipelines" aria-rowcount={shown.length + 1}>
          <div className="row head" role="row">
            <span role="columnheader">Name</span>
            <span role="columnheader">Type</span>
            <span role="columnheader">Last execution</span>
            <span role="columnheader">When</span>
            <span role="columnheader">Source revision</span>
          </div>
          <div className="scroller" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="pipeline-scroller">
            <div style={{ height: shown.length * ROW, position: 'relative' }}>
              {visible.map((p, i) => {
                const execution = last[p.name];
                const revision = execution?.sourceRevisions?.[0];
                return (
                  <div className="row" role="row" aria-rowindex={first + i + 2} key={p.name} style={{ position: 'absolute', top: (first + i) * ROW, left: 0, right: 0, minHeight: ROW }} data-testid="pipeline-row">
                    <span role="cell"><Link to={`/pipelines/${enc(p.name)}`}>{p.name}</Link></span>
                    <span role="cell">{p.pipelineType ?? 'V1'} · v{p.version}</span>
                    <span role="cell">{execution === undefined ? '…' : execution ? <Status status={execution.status} /> : 'never run'}</span>
                    <span role="cell">{time(execution?.lastUpdateTime ?? execution?.startTime)}</span>
                    <span role="cell" className="mono" title={revision?.revisionSummary}>{revision?.revisionId?.slice(0, 12) ?? ''}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
