import { useEffect, useState } from 'react';
import { ApiError, call, listAll } from '../api/client';
import type { PipelineDeclaration, PipelineState } from '../api/types';
import { Link } from '../components/Link';
import { time } from '../components/Status';
import { enc } from '../router';

interface Pending {
  pipeline: string;
  stage: string;
  action: string;
  token: string;
  since?: number;
  customData?: string;
  externalUrl?: string;
}

/**
 * Every approval waiting for an answer: Manual approval actions in progress, found through GetPipelineState of
 * each pipeline (their CustomData and ExternalEntityLink from GetPipeline), answered with PutApprovalResult.
 */
export function Approvals() {
  const [pending, setPending] = useState<Pending[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    (async () => {
      try {
        const pipelines = await listAll<{ name: string }>('ListPipelines', {}, 'pipelines');
        const found: Pending[] = [];
        const queue = [...pipelines];
        const worker = async () => {
          for (let p = queue.shift(); p && !stop; p = queue.shift()) {
            const state = await call<PipelineState>('GetPipelineState', { name: p.name });
            const waiting = state.stageStates.flatMap((s) => (s.actionStates ?? []).filter((a) => a.latestExecution?.status === 'InProgress' && a.latestExecution?.token).map((a) => ({ s, a })));
            if (waiting.length === 0) continue;
            const { pipeline } = await call<{ pipeline: PipelineDeclaration }>('GetPipeline', { name: p.name });
            for (const { s, a } of waiting) {
              const declared = pipeline.stages.find((x) => x.name === s.stageName)?.actions.find((x) => x.name === a.actionName);
              if (declared?.actionTypeId.category !== 'Approval') continue;
              found.push({ pipeline: p.name, stage: s.stageName, action: a.actionName, token: a.latestExecution!.token!, since: a.latestExecution!.lastStatusChange, customData: declared.configuration?.CustomData, externalUrl: declared.configuration?.ExternalEntityLink });
            }
          }
        };
        await Promise.all(Array.from({ length: 6 }, worker));
        if (!stop) setPending(found.sort((a, b) => a.pipeline.localeCompare(b.pipeline)));
      } catch (e: any) {
        if (!stop) setError(`${e.type ?? 'Error'}: ${e.message}`);
      }
      // The next look starts 5 s after this one ended, never while it runs.
      if (!stop) timer = setTimeout(() => setTick((t) => t + 1), 5000);
    })();
    return () => { stop = true; clearTimeout(timer); };
  }, [tick]);
  return (
    <section>
      <div className="toolbar"><h1>Approvals</h1><span>{pending ? `${pending.length} waiting` : 'Looking…'}</span></div>
      {error && <p role="alert" className="error">{error}</p>}
      {pending?.length === 0 && <p>No approval is waiting.</p>}
      <ul className="approvals">
        {pending?.map((p) => <ApprovalCard key={p.token} pending={p} onAnswered={() => setTick((t) => t + 1)} />)}
      </ul>
    </section>
  );
}

function ApprovalCard({ pending, onAnswered }: { pending: Pending; onAnswered: () => void }) {
  const [summary, setSummary] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const answer = async (status: 'Approved' | 'Rejected') => {
    try {
      await call('PutApprovalResult', { pipelineName: pending.pipeline, stageName: pending.stage, actionName: pending.action, token: pending.token, result: { status, summary } });
      setResult(status);
      onAnswered();
    } catch (e) {
      setResult(e instanceof ApiError ? `${e.type}: ${e.message}` : String(e));
    }
  };
  const label = `${pending.pipeline} / ${pending.stage} / ${pending.action}`;
  return (
    <li className="card" data-testid="approval" aria-label={label}>
      <h2><Link to={`/pipelines/${enc(pending.pipeline)}`}>{pending.pipeline}</Link> · {pending.stage} / {pending.action}</h2>
      <p>Waiting since {time(pending.since)}</p>
      {pending.customData && <p className="custom-data">{pending.customData}</p>}
      {pending.externalUrl && <p><a href={pending.externalUrl} target="_blank" rel="noreferrer">{pending.externalUrl}</a></p>}
      <label>Comment<textarea value={summary} onChange={(e) => setSummary(e.target.value)} aria-label={`Comment on ${label}`} /></label>
      <div className="buttons">
        <button className="primary" onClick={() => answer('Approved')}>Approve</button>
        <button className="danger" onClick={() => answer('Rejected')}>Reject</button>
      </div>
      {result && <p role="status">{result}</p>}
    </li>
  );
}
