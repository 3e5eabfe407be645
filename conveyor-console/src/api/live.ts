// Live updates, in one place: the server's event streams (Server-Sent Events, docs/notifications.md "Live streams")
// read over a SigV4-signed fetch (an EventSource cannot sign its requests), each event asking the view to re-read what
// it shows. Polling is only the fallback while a stream is down; the stream reconnects with Last-Event-ID.
import { ApiError, call, openSignedStream } from './client';
import type { ExecutionSummary, PipelineState, RuleExecutionDetail } from './types';

export interface PipelineSnapshot {
  state: PipelineState;
  executions: ExecutionSummary[];
  /** The rule executions of the executions the stages' condition states are about (ListRuleExecutions, newest first). */
  ruleExecutions: RuleExecutionDetail[];
}

/** How often a view polls while its stream is down. */
export const POLL_MILLIS = 1000;
/**
 * How soon a view re-reads while what it shows changes without events: a waiting rule is evaluated again and again,
 * each time rewriting its summary ("Waiting for the deployment window … to open at …", an alarm's state), and only
 * status changes are events.
 */
export const RECHECK_MILLIS = 3000;
const MAX_RECONNECT_MILLIS = 15_000;

/** One Server-Sent Event: {@code id} is the event's outbox seq, {@code type} its detail-type, {@code data} the event's JSON text. */
export interface StreamEvent { id?: string; type: string; data: string }

/**
 * What the live machinery did, for the browser tests (window.conveyorLive) and the status badge: events received
 * from streams, streams opened, refreshes done by polling, and the transport in use now.
 */
export const liveStats = { streamEvents: 0, streamOpens: 0, polls: 0, transport: 'none' as 'none' | 'stream' | 'polling' };
if (typeof window !== 'undefined') (window as any).conveyorLive = liveStats;

/**
 * An incremental Server-Sent Events parser (the HTML standard's rules for id, event, data and retry; comment lines
 * ignored): feed it text as it arrives, in chunks cut anywhere; it calls onEvent per complete event.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private type = '';
  private id: string | undefined;
  /** The last id seen (an event's or an id line's): what to send as Last-Event-ID on reconnect. */
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for (retry:), if any. */
  retryMillis: number | undefined;

  constructor(private readonly onEvent: (e: StreamEvent) => void) {}

  push(text: string) {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end < 0) return;
      // A lone \r at the end of the buffer may be the start of \r\n: wait for the next chunk.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) return;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      this.line(line);
    }
  }

  private line(line: string) {
    if (line === '') {
      if (this.id !== undefined) this.lastEventId = this.id;
      if (this.data.length > 0) this.onEvent({ id: this.lastEventId, type: this.type || 'message', data: this.data.join('\n') });
      this.data = [];
      this.type = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMillis = Number(value);
  }
}

export interface StreamHandlers {
  event: (e: StreamEvent) => void;
  /** The stream is open (again): what happened before it may not have been seen. */
  open: (resumed: boolean) => void;
  /** The stream failed or ended; it reconnects by itself. */
  down: (error: unknown) => void;
}

/**
 * Opens the event stream at {@code path} (under /conveyor/v1/events/) and keeps it open: on failure it reconnects
 * after a growing delay, resuming with Last-Event-ID, or, before any event was seen, from the events committed after
 * it opens ({@code ?from=now}: a view re-reads its state on open, so history is not needed). Returns the stop function.
 */
export function openEventStream(path: string, on: StreamHandlers): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let retryMillis = 1000;
  let lastEventId: string | undefined;
  const connect = async () => {
    controller = new AbortController();
    try {
      const resumed = lastEventId !== undefined;
      const response = await openSignedStream(path + (resumed ? '' : '?from=now'), lastEventId, controller.signal);
      if (!response.ok || !response.body) {
        throw new ApiError('StreamRefused', `The event stream answered HTTP ${response.status}`, response.status);
      }
      failures = 0;
      liveStats.streamOpens++;
      on.open(resumed);
      const parser = new SseParser((e) => {
        if (stopped) return;
        liveStats.streamEvents++;
        on.event(e);
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (value) parser.push(value);
        if (parser.lastEventId !== undefined) lastEventId = parser.lastEventId;
        if (parser.retryMillis !== undefined) retryMillis = parser.retryMillis;
        if (done || stopped) break;
      }
      if (!stopped) throw new Error('The event stream ended');
    } catch (e) {
      if (stopped) return;
      failures++;
      on.down(e);
      timer = setTimeout(connect, Math.min(retryMillis * 2 ** Math.min(failures - 1, 5), MAX_RECONNECT_MILLIS));
    }
  };
  connect();
  return () => {
    stopped = true;
    controller?.abort();
    if (timer) clearTimeout(timer);
  };
}

/** Runs an async refresh so that calls during a run coalesce into one more run after it (never two at once). */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const start = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = run().finally(() => {
      running = null;
      if (again) {
        again = false;
        start();
      }
    });
    return running;
  };
  return start;
}

/**
 * A timer for what changes without events: after each read, {@code afterRead} arms one re-read {@code delay} from now
 * if {@code needed} says so (and disarms the previous one), so a view re-reads while, and only while, it shows such a
 * thing.
 */
export function recheckWhile(needed: () => boolean, refresh: () => void, delay = RECHECK_MILLIS) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    afterRead: () => {
      stop();
      if (needed()) timer = setTimeout(() => { timer = undefined; refresh(); }, delay);
    },
    stop,
  };
}

export interface LiveView {
  /** Re-read now (e.g. after the user acted: not every change is an event, e.g. a transition toggled). */
  refresh: () => void;
  stop: () => void;
}

/**
 * Keeps a view fresh: {@code load} now, after every event of the stream at {@code streamPath} (when {@code wanted}
 * says the event matters), whenever the stream (re)opens, every POLL_MILLIS only while the stream is down, and
 * RECHECK_MILLIS after a read for as long as {@code changesQuietly} says the view shows something that changes without
 * events.
 */
export function keepFresh(streamPath: string, load: () => Promise<void>, onError: (e: unknown) => void,
  wanted: (e: StreamEvent) => boolean = () => true, changesQuietly: () => boolean = () => false): LiveView {
  let stopped = false;
  let streamUp = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  const recheck = recheckWhile(() => !stopped && changesQuietly(), () => { refresh(); });
  const refresh = coalesced(async () => {
    if (stopped) return;
    try {
      await load();
    } catch (e) {
      if (!stopped) onError(e);
    }
    recheck.afterRead();
  });
  const poll = () => {
    pollTimer = setTimeout(async () => {
      if (stopped || streamUp) return;
      liveStats.polls++;
      await refresh();
      if (!stopped && !streamUp) poll();
    }, document.hidden ? POLL_MILLIS * 5 : POLL_MILLIS);
  };
  const stopPolling = () => {
    if (pollTimer !== undefined) clearTimeout(pollTimer);
    pollTimer = undefined;
  };
  refresh();
  const close = openEventStream(streamPath, {
    event: (e) => { if (wanted(e)) refresh(); },
    open: (resumed) => {
      streamUp = true;
      liveStats.transport = 'stream';
      stopPolling();
      if (!resumed) refresh(); // what changed between the first read and the stream's start
    },
    down: () => {
      streamUp = false;
      liveStats.transport = 'polling';
      if (pollTimer === undefined) poll();
    },
  });
  return {
    refresh: () => { refresh(); },
    stop: () => {
      stopped = true;
      stopPolling();
      recheck.stop();
      close();
    },
  };
}

export const pipelineStreamPath = (name: string) => `pipelines/${encodeURIComponent(name)}/stream`;
export const executionStreamPath = (name: string, id: string) => `pipelines/${encodeURIComponent(name)}/executions/${encodeURIComponent(id)}/stream`;
/** Every pipeline's events (the pipelines list). */
export const allPipelinesStreamPath = 'stream';

/** GetPipelineState, the latest executions and the rule executions of conditions: what the pipeline view shows. */
export async function readPipeline(name: string): Promise<PipelineSnapshot> {
  const [state, executions] = await Promise.all([
    call<PipelineState>('GetPipelineState', { name }),
    call<{ pipelineExecutionSummaries: ExecutionSummary[] }>('ListPipelineExecutions', { pipelineName: name, maxResults: 20 }),
  ]);
  // Only pipelines whose stages report conditions cost the extra call (one per execution shown in the stages).
  const withConditions = new Set((state.stageStates ?? [])
    .filter((s) => s.latestExecution && (s.beforeEntryConditionState || s.onSuccessConditionState || s.onFailureConditionState))
    .map((s) => s.latestExecution!.pipelineExecutionId));
  const rules = await Promise.all([...withConditions].map((id) =>
    call<{ ruleExecutionDetails: RuleExecutionDetail[] }>('ListRuleExecutions', { pipelineName: name, filter: { pipelineExecutionId: id }, maxResults: 100 })));
  return { state, executions: executions.pipelineExecutionSummaries ?? [], ruleExecutions: rules.flatMap((r) => r.ruleExecutionDetails ?? []) };
}

/** Whether any of these rule executions is still being evaluated (its summary may change with no event). */
export const anyRuleInProgress = (rules: RuleExecutionDetail[] | undefined) => (rules ?? []).some((r) => r.status === 'InProgress');

/**
 * Calls onUpdate with the pipeline's state now and whenever it changes (the pipeline's event stream; re-read every
 * RECHECK_MILLIS while a condition's rule is in progress).
 */
export function watchPipeline(name: string, onUpdate: (snapshot: PipelineSnapshot) => void, onError: (e: unknown) => void): LiveView {
  let stopped = false;
  let last: PipelineSnapshot | undefined;
  const view = keepFresh(pipelineStreamPath(name), async () => {
    const snapshot = await readPipeline(name);
    last = snapshot;
    if (!stopped) onUpdate(snapshot);
  }, onError, undefined, () => anyRuleInProgress(last?.ruleExecutions));
  return { refresh: view.refresh, stop: () => { stopped = true; view.stop(); } };
}

/** The pipeline an event is about (its detail's pipeline), or null. */
export function pipelineOfEvent(e: StreamEvent): string | null {
  try {
    return JSON.parse(e.data)?.detail?.pipeline ?? null;
  } catch {
    return null;
  }
}
