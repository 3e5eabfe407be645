import { Fragment, useEffect, useState } from 'react';
import { call, callCodeBuild, listAll, presignedObjectUrl } from '../api/client';
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
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      try {
        const [e, a, r] = await Promise.all([
          call('GetPipelineExecution', { pipelineName: name, pipelineExecutionId: id }),
          listAll<ActionExecutionDetail>('ListActionExecutions', { pipelineName: name, filter: { pipelineExecutionId: id } }, 'actionExecutionDetails', 100),
          listAll<RuleExecutionDetail>('ListRuleExecutions', { pipelineName: name, filter: { pipelineExecutionId: id } }, 'ruleExecutionDetails', 100),
        ]);
        if (stop) return;
        setExecution(e.pipelineExecution);
        setActions(a.sort((x, y) => (x.startTime ?? 0) - (y.startTime ?? 0)));
        setRules(r);
        if (['InProgress', 'Stopping'].includes(e.pipelineExecution?.status)) timer = setTimeout(load, 1500);
      } catch (err: any) {
        setError(`${err.type ?? 'Error'}: ${err.message}`);
      }
    };
    load();
    return () => { stop = true; clearTimeout(timer); };
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
