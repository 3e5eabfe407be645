import { Fragment, useEffect, useState } from 'react';
import { call, callCodeBuild, listAll, presignedObjectUrl } from '../api/client';
import { anyRuleInProgress, executionStreamPath, keepFresh } from '../api/live';
import type { ActionExecutionDetail, RuleExecutionDetail } from '../api/types';
import { Link } from '../components/Link';
import { duration, Status, time } from '../components/Status';
import { enc } from '../router';

/**
 * GetPipelineExecution with its ListActionExecutions and ListRuleExecutions: a timeline of the actions and the rules
 * of the stages' conditions, artifacts, variables; a rollback names its target.
 */
export function ExecutionDetail({ name, id }: { name: string; id: string }) {
  const [execution, setExecution] = useState<any>(null);
  const [actions, setActions] = useState<ActionExecutionDetail[]>([]);
  const [rules, setRules] = useState<RuleExecutionDetail[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Live from the execution's event stream: every event re-reads the execution (polling only while the stream is down,
  // re-reading every few seconds while a rule is in progress: its summary changes with no event).
  useEffect(() => {
    let stop = false;
    let lastRules: RuleExecutionDetail[] = [];
    const view = keepFresh(executionStreamPath(name, id), async () => {
      const [e, a, r] = await Promise.all([
        call('GetPipelineExecution', { pipelineName: name, pipelineExecutionId: id }),
        listAll<ActionExecutionDetail>('ListActionExecutions', { pipelineName: name, filter: { pipelineExecutionId: id } }, 'actionExecutionDetails', 100),
        listAll<RuleExecutionDetail>('ListRuleExecutions', { pipelineName: name, filter: { pipelineExecutionId: id } }, 'ruleExecutionDetails', 100),
      ]);
      if (stop) return;
      setExecution(e.pipelineExecution);
      setActions(a.sort((x, y) => (x.startTime ?? 0) - (y.startTime ?? 0)));
      lastRules = r;
      setRules(r);
      setError(null);
    }, (err: any) => setError(`${err.type ?? 'Error'}: ${err.message}`), undefined, () => anyRuleInProgress(lastRules));
    return () => { stop = true; view.stop(); };
  }, [name, id]);
  // One timeline of actions and rules, in the order they started.
  const items: TimelineItem[] = [
    ...actions.map((a) => ({ kind: 'action' as const, id: a.actionExecutionId, stageName: a.stageName, name: a.actionName, status: a.status, startTime: a.startTime, lastUpdateTime: a.lastUpdateTime })),
    ...rules.map((r) => ({ kind: 'rule' as const, id: r.ruleExecutionId, stageName: r.stageName, name: r.ruleName, status: r.status, startTime: r.startTime, lastUpdateTime: r.lastUpdateTime,
      provider: r.input?.ruleTypeId?.provider, summary: r.output?.executionResult?.errorDetails?.message ?? r.output?.executionResult?.externalExecutionSummary })),
  ].sort((x, y) => (x.startTime ?? 0) - (y.startTime ?? 0));
  const start = Math.min(...items.map((a) => a.startTime ?? Infinity));
  const end = Math.max(...items.map((a) => a.lastUpdateTime ?? a.startTime ?? 0), start + 1);
  const target = execution?.rollbackMetadata?.rollbackTargetPipelineExecutionId;
  const span = end - start;
  return (
    <section>
      <div className="toolbar">
        <h1><Link to={`/pipelines/${enc(name)}`}>{name}</Link> · execution <span className="mono">{id.slice(0, 8)}</span></h1>
        {execution && <Status status={execution.status} testId="execution-status" />}
        {execution?.statusSummary && <span>{execution.statusSummary}</span>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {execution && (
        <dl className="facts">
          <dt>Pipeline version</dt><dd>{execution.pipelineVersion}</dd>
          <dt>Trigger</dt><dd>{execution.trigger?.triggerType} {execution.trigger?.triggerDetail}</dd>
          <dt>Mode</dt><dd>{execution.executionMode} {execution.executionType}</dd>
          {target && <><dt>Rollback to</dt><dd data-testid="rollback-target"><Link to={`/pipelines/${enc(name)}/executions/${enc(target)}`} className="mono">{target}</Link></dd></>}
          {(execution.artifactRevisions ?? []).map((r: any) => (
            <Fragment key={r.name}><dt>Revision of {r.name}</dt><dd><span className="mono">{r.revisionId}</span> {r.revisionSummary}</dd></Fragment>
          ))}
        </dl>
      )}
      <h2>Timeline</h2>
      <ol className="timeline" aria-label="Actions and rules in the order they started">
        {items.map((a) => {
          const left = (((a.startTime ?? start) - start) / span) * 100;
          const width = Math.max(1, (((a.lastUpdateTime ?? end) - (a.startTime ?? start)) / span) * 100);
          return (
            <li key={a.kind + a.id} data-testid={a.kind === 'action' ? 'timeline-action' : 'timeline-rule'}>
              <span className="who">{a.stageName} / {a.kind === 'rule' ? <>rule {a.name} <small>{a.provider}</small></> : a.name}</span>
              <span className="bar-track"><span className={`bar status-bg-${a.status}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} /></span>
              <Status status={a.status} /> <span>{duration(a.startTime, a.lastUpdateTime)}</span>
              {a.kind === 'action' ? <Link to={`/logs/${enc(name)}/${enc(a.id)}`}>Logs</Link> : <span className="summary" title={a.summary}>{a.summary}</span>}
            </li>
          );
        })}
      </ol>
      <h2>Artifacts</h2>
      <table className="data">
        <thead><tr><th>Action</th><th>Artifact</th><th>Location</th></tr></thead>
        <tbody>
          {actions.flatMap((a) => (a.output?.outputArtifacts ?? []).map((o) => (
            <tr key={a.actionExecutionId + o.name}>
              <td>{a.stageName} / {a.actionName}</td>
              <td>{o.name}</td>
              <td>{o.s3location && <Download bucket={o.s3location.bucket} objectKey={o.s3location.key} />}</td>
            </tr>
          )))}
        </tbody>
      </table>
      <TestReports actions={actions} />
      <Deployments name={name} actions={actions} />
      <h2>Variables</h2>
      <table className="data">
        <thead><tr><th>Name</th><th>Value</th></tr></thead>
        <tbody>
          {(execution?.variables ?? []).map((v: any) => <tr key={'p' + v.name}><td>variables.{v.name}</td><td className="mono">{v.resolvedValue}</td></tr>)}
          {actions.flatMap((a) => Object.entries(a.output?.outputVariables ?? {}).map(([k, v]) => (
            <tr key={a.actionExecutionId + k}><td>{a.input?.namespace ?? `${a.stageName}.${a.actionName}`}.{k}</td><td className="mono">{v}</td></tr>
          )))}
        </tbody>
      </table>
      <p><Link to={`/pipelines/${enc(name)}/executions`}>All executions</Link> · started {time(execution?.startTime ?? (isFinite(start) ? start : undefined))}</p>
    </section>
  );
}

interface TimelineItem { kind: 'action' | 'rule'; id: string; stageName: string; name: string; status: string; startTime?: number; lastUpdateTime?: number; provider?: string; summary?: string }

function Download({ bucket, objectKey }: { bucket: string; objectKey: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => { presignedObjectUrl(bucket, objectKey).then(setUrl).catch(() => setUrl(null)); }, [bucket, objectKey]);
  return url ? <a href={url} download>s3://{bucket}/{objectKey}</a> : <span className="mono">s3://{bucket}/{objectKey}</span>;
}

interface LifecycleEvent { name: string; status: string; startTime?: number; endTime?: number; context?: { message?: string } }
interface DeployTarget { targetId: string; targetType?: string; status: string; startTime?: number; endTime?: number; events?: LifecycleEvent[] }

/** A lifecycle event's duration: tenths of a second under 10 s (hooks are often quick), else as everywhere. */
function eventDuration(from?: number, to?: number): string {
  if (!from) return '';
  const seconds = (to ?? Date.now() / 1000) - from;
  return seconds < 10 ? `${Math.max(0, seconds).toFixed(1)}s` : duration(from, to);
}

/**
 * The deployments of the execution's CodeDeploy actions (ListDeployActionExecutionTargets): each target with its
 * status and its lifecycle events, with status and duration per event. Lifecycle events are not pipeline events, so
 * while a deployment runs its targets are re-read every 2 s; once it ended, when the action changes.
 */
function Deployments({ name, actions }: { name: string; actions: ActionExecutionDetail[] }) {
  const deploys = actions.filter((a) => a.input?.actionTypeId?.category === 'Deploy' && a.input?.actionTypeId?.provider === 'CodeDeploy');
  const key = deploys.map((a) => `${a.actionExecutionId}:${a.status}:${a.lastUpdateTime ?? ''}`).join(',');
  const running = deploys.some((a) => a.status === 'InProgress');
  const [found, setFound] = useState<{ action: ActionExecutionDetail; targets: DeployTarget[] }[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!key) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const all = await Promise.all(deploys.map(async (action) => ({
          action,
          targets: await listAll<DeployTarget>('ListDeployActionExecutionTargets', { pipelineName: name, actionExecutionId: action.actionExecutionId }, 'targets', 100),
        })));
        if (stop) return;
        setFound(all);
        setError(null);
      } catch (e: any) {
        if (!stop) setError(`${e.type ?? 'Error'}: ${e.message}`);
      }
      if (!stop && running) timer = setTimeout(load, 2000);
    };
    load();
    return () => { stop = true; if (timer) clearTimeout(timer); };
  }, [key, name]);
  if (deploys.length === 0) return null;
  return (
    <>
      <h2>Deployments</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {found.map(({ action, targets }) => {
        const result = action.output?.executionResult;
        return (
          <section key={action.actionExecutionId} className="deployment" data-testid="deployment" aria-label={`Deployment of ${action.stageName} / ${action.actionName}`}>
            <h3>
              {action.stageName} / {action.actionName}{' '}
              {result?.externalExecutionId && (result.externalExecutionUrl
                ? <a href={result.externalExecutionUrl} className="mono" target="_blank" rel="noreferrer">{result.externalExecutionId}</a>
                : <span className="mono">{result.externalExecutionId}</span>)}{' '}
              <Status status={action.status} />
            </h3>
            {targets.length === 0 && <p>No targets yet.</p>}
            <table className="data" data-testid="deployment-targets">
              <thead><tr><th>Target</th><th>Status</th><th>Duration</th><th>Lifecycle events</th></tr></thead>
              <tbody>
                {targets.map((t) => (
                  <tr key={t.targetId} data-testid="deployment-target" data-target={t.targetId}>
                    <td className="mono">{t.targetId}{t.targetType && <small> {t.targetType}</small>}</td>
                    <td><Status status={t.status} testId={`target-status-${t.targetId}`} /></td>
                    <td>{duration(t.startTime, t.endTime)}</td>
                    <td>
                      <ol className="lifecycle" aria-label={`Lifecycle events of ${t.targetId}`}>
                        {(t.events ?? []).map((e) => (
                          <li key={e.name} data-testid="lifecycle-event" data-event={e.name} data-status={e.status}>
                            <span className="event-name">{e.name}</span> <Status status={e.status} />{' '}
                            <span className="event-duration">{e.status === 'Pending' || e.status === 'Skipped' ? '' : eventDuration(e.startTime, e.endTime)}</span>
                            {e.context?.message && <div className="mono event-message">{e.context.message}</div>}
                          </li>
                        ))}
                      </ol>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}

interface Report { arn: string; name?: string; status?: string; testSummary?: { total?: number; statusCounts?: Record<string, number> }; failing: { name?: string; prefix?: string; message?: string }[] }

/**
 * Test reports of the execution's CodeBuild actions: the build (the action's external execution id) names its
 * reports (BatchGetBuilds), their counts come from BatchGetReports and the failing cases from DescribeTestCases.
 */
function TestReports({ actions }: { actions: ActionExecutionDetail[] }) {
  const builds = actions
    .filter((a) => a.input?.actionTypeId?.provider === 'CodeBuild' && a.output?.executionResult?.externalExecutionId)
    .map((a) => ({ action: `${a.stageName} / ${a.actionName}`, buildId: a.output!.executionResult!.externalExecutionId! }));
  const key = builds.map((b) => b.buildId).join(',');
  const [reports, setReports] = useState<{ action: string; report: Report }[]>([]);
  useEffect(() => {
    if (!key) return;
    let stop = false;
    (async () => {
      const found: { action: string; report: Report }[] = [];
      const { builds: records = [] } = await callCodeBuild('BatchGetBuilds', { ids: builds.map((b) => b.buildId) });
      for (const record of records) {
        const arns: string[] = record.reportArns ?? [];
        if (arns.length === 0) continue;
        const { reports: details = [] } = await callCodeBuild('BatchGetReports', { reportArns: arns });
        for (const r of details) {
          const failing = (await callCodeBuild('DescribeTestCases', { reportArn: r.arn, filter: { status: 'FAILED' }, maxResults: 100 })).testCases ?? [];
          found.push({ action: builds.find((b) => b.buildId === record.id)?.action ?? record.id, report: { ...r, failing } });
        }
      }
      if (!stop) setReports(found);
    })().catch(() => { /* reports are extra: the rest of the view stands */ });
    return () => { stop = true; };
  }, [key]);
  if (reports.length === 0) return null;
  return (
    <>
      <h2>Test reports</h2>
      <table className="data" data-testid="test-reports">
        <thead><tr><th>Action</th><th>Report</th><th>Status</th><th>Tests</th><th>Failing cases</th></tr></thead>
        <tbody>
          {reports.map(({ action, report }) => {
            const counts = report.testSummary?.statusCounts ?? {};
            return (
              <tr key={report.arn}>
                <td>{action}</td>
                <td>{report.name ?? report.arn}</td>
                <td><Status status={report.status === 'SUCCEEDED' ? 'Succeeded' : report.status === 'FAILED' ? 'Failed' : report.status} /></td>
                <td>{report.testSummary?.total ?? 0} total, {counts.SUCCEEDED ?? 0} passed, {counts.FAILED ?? 0} failed</td>
                <td>{report.failing.map((c, i) => <div key={i}><strong>{c.prefix ? `${c.prefix}.` : ''}{c.name}</strong>{c.message && <> — <span className="mono">{c.message}</span></>}</div>)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
