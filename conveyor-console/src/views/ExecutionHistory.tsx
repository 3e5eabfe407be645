import { useEffect, useMemo, useState } from 'react';
import { listAll } from '../api/client';
import type { ExecutionSummary } from '../api/types';
import { Link } from '../components/Link';
import { duration, Status, time } from '../components/Status';
import { enc } from '../router';

const STATUSES = ['Cancelled', 'InProgress', 'Stopped', 'Stopping', 'Succeeded', 'Superseded', 'Failed'];

/** ListPipelineExecutions, every page, filtered by status and trigger; rollbacks name their target. */
export function ExecutionHistory({ name }: { name: string }) {
  const [executions, setExecutions] = useState<ExecutionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [trigger, setTrigger] = useState('');
  useEffect(() => {
    listAll<ExecutionSummary>('ListPipelineExecutions', { pipelineName: name }, 'pipelineExecutionSummaries', 100)
      .then(setExecutions)
      .catch((e) => setError(`${e.type ?? 'Error'}: ${e.message}`));
  }, [name]);
  const triggers = useMemo(() => [...new Set((executions ?? []).map((e) => e.trigger?.triggerType).filter(Boolean))] as string[], [executions]);
  const shown = (executions ?? []).filter((e) => (!status || e.status === status) && (!trigger || e.trigger?.triggerType === trigger));
  return (
    <section>
      <div className="toolbar">
        <h1><Link to={`/pipelines/${enc(name)}`}>{name}</Link> · executions</h1>
        <label>Status <select value={status} onChange={(e) => setStatus(e.target.value)}><option value="">any</option>{STATUSES.map((s) => <option key={s}>{s}</option>)}</select></label>
        <label>Trigger <select value={trigger} onChange={(e) => setTrigger(e.target.value)}><option value="">any</option>{triggers.map((s) => <option key={s}>{s}</option>)}</select></label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <table className="data">
        <thead><tr><th>Execution</th><th>Status</th><th>Type</th><th>Trigger</th><th>Started</th><th>Duration</th><th>Source revisions</th></tr></thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.pipelineExecutionId} data-testid="execution-row">
              <td><Link to={`/pipelines/${enc(name)}/executions/${enc(e.pipelineExecutionId)}`} className="mono">{e.pipelineExecutionId.slice(0, 8)}</Link></td>
              <td><Status status={e.status} /> {e.statusSummary}</td>
              <td data-testid="execution-type">{e.executionType === 'ROLLBACK' ? (
                <>Rollback to {e.rollbackMetadata?.rollbackTargetPipelineExecutionId
                  ? <Link to={`/pipelines/${enc(name)}/executions/${enc(e.rollbackMetadata.rollbackTargetPipelineExecutionId)}`} className="mono">{e.rollbackMetadata.rollbackTargetPipelineExecutionId.slice(0, 8)}</Link>
                  : '?'}</>
              ) : (e.executionType ?? 'STANDARD').toLowerCase()}</td>
              <td>{e.trigger?.triggerType} {e.trigger?.triggerDetail && <small>{e.trigger.triggerDetail}</small>}</td>
              <td>{time(e.startTime)}</td>
              <td>{duration(e.startTime, e.status === 'InProgress' ? undefined : e.lastUpdateTime)}</td>
              <td>{e.sourceRevisions?.map((r) => <div key={r.actionName}>{r.actionName}: <span className="mono">{r.revisionId?.slice(0, 12)}</span> {r.revisionSummary}</div>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {executions && shown.length === 0 && <p>No executions match.</p>}
    </section>
  );
}
