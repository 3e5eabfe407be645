import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, call, listAll } from '../api/client';
import { watchPipeline, type LiveView, type PipelineSnapshot } from '../api/live';
import type { ActionState, ConditionState, ExecutionSummary, PipelineDeclaration, RuleExecutionDetail, StageDeclaration, StageState } from '../api/types';
import { Link } from '../components/Link';
import { Modal } from '../components/Modal';
import { PipelineGraph, type GraphContent } from '../components/PipelineGraph';
import { loadElk, shapeOf } from '../components/layout';
import { Status, time } from '../components/Status';
import { enc } from '../router';

/**
 * One pipeline, live: the stage and action graph with each action's latest status, summary and links; the
 * latest execution's source revision; Release change, Stop, Retry stage, transitions, rollback; each stage's
 * conditions with their rules' latest executions, and Override for a condition in progress.
 */
export function PipelineView({ name }: { name: string }) {
  const [declaration, setDeclaration] = useState<PipelineDeclaration | null>(null);
  const [snapshot, setSnapshot] = useState<PipelineSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<null | { kind: 'release' | 'stop' | 'transition' | 'rollback'; stage?: string }>(null);
  const live = useRef<LiveView | null>(null);

  useEffect(() => {
    performance.mark('pipeline-view-start');
    loadElk(); // in parallel with the first calls
    call<{ pipeline: PipelineDeclaration }>('GetPipeline', { name })
      .then((r) => { performance.mark('declaration-loaded'); setDeclaration(r.pipeline); })
      .catch((e) => setError(`${e.type ?? 'Error'}: ${e.message}`));
  }, [name, snapshot?.state.pipelineVersion]);

  // Live from the pipeline's event stream (polling only while it is down); refresh() after the user acts, as not every
  // change is an event (a transition toggled).
  useEffect(() => {
    const view = watchPipeline(name, setSnapshot, (e: any) => setError(`${e.type ?? 'Error'}: ${e.message}`));
    live.current = view;
    return () => { view.stop(); live.current = null; };
  }, [name]);
  const refresh = useCallback(() => live.current?.refresh(), []);

  const act = async (what: string, operation: string, input: object) => {
    setNotice(null);
    try {
      await call(operation, input);
      setNotice(what);
      refresh();
      return true;
    } catch (e) {
      setNotice(e instanceof ApiError ? `${e.type}: ${e.message}` : String(e));
      return false;
    }
  };

  const stageStates = useMemo(() => {
    const m = new Map<string, StageState>();
    snapshot?.state.stageStates?.forEach((s) => m.set(s.stageName, s));
    return m;
  }, [snapshot]);
  const latest = snapshot?.executions[0];
  const running = snapshot?.executions.find((e) => e.status === 'InProgress' || e.status === 'Stopping');

  const shape = useMemo(() => (declaration ? shapeOf(declaration.stages, true) : null), [declaration]);
  const ruleExecutions = snapshot?.ruleExecutions;
  const content = useMemo<GraphContent | null>(() => {
    if (!declaration) return null;
    const actionState = (s: number, a: number): ActionState | undefined =>
      stageStates.get(declaration.stages[s].name)?.actionStates?.find((x) => x.actionName === declaration.stages[s].actions[a].name);
    return {
      stageClass: (s) => `status-border-${stageStates.get(declaration.stages[s].name)?.latestExecution?.status ?? 'None'}`,
      actionClass: (s, a) => `status-border-${actionState(s, a)?.latestExecution?.status ?? 'None'}`,
      edgeActive: (s) => stageStates.get(declaration.stages[s + 1]?.name)?.latestExecution?.status === 'InProgress',
      stageHeader: (s) => {
        const stage = declaration.stages[s];
        const state = stageStates.get(stage.name);
        const transition = state?.inboundTransitionState;
        const status = state?.latestExecution?.status;
        return (
          <div className="stage-header nodrag">
            <div className="stage-title">
              <strong>{stage.name}</strong> <Status status={status} testId={`stage-status-${stage.name}`} />
              {state?.latestExecution?.type === 'ROLLBACK' && <span className="tag" data-testid={`stage-rollback-${stage.name}`}>Rollback</span>}
            </div>
            <div className="stage-buttons">
              {s > 0 && (transition?.enabled === false ? (
                <button className="small warn" title={`Disabled: ${transition.disabledReason ?? ''}`} onClick={() => act(`Transition into ${stage.name} enabled`, 'EnableStageTransition', { pipelineName: name, stageName: stage.name, transitionType: 'Inbound' })}>
                  Enable transition
                </button>
              ) : s > 0 ? (
                <button className="small" onClick={() => setDialog({ kind: 'transition', stage: stage.name })}>Disable transition</button>
              ) : null)}
              {(status === 'Failed' || status === 'Stopped') && state?.latestExecution && (
                <>
                  <button className="small" onClick={() => act(`Retrying the failed actions of ${stage.name}`, 'RetryStageExecution', { pipelineName: name, stageName: stage.name, pipelineExecutionId: state.latestExecution!.pipelineExecutionId, retryMode: 'FAILED_ACTIONS' })}>
                    Retry failed
                  </button>
                  <button className="small" onClick={() => act(`Retrying all actions of ${stage.name}`, 'RetryStageExecution', { pipelineName: name, stageName: stage.name, pipelineExecutionId: state.latestExecution!.pipelineExecutionId, retryMode: 'ALL_ACTIONS' })}>
                    Retry all
                  </button>
                </>
              )}
              {s > 0 && !hasSource(stage) && <button className="small" onClick={() => setDialog({ kind: 'rollback', stage: stage.name })}>Start rollback</button>}
            </div>
            {transition?.enabled === false && <div className="reason">Transition disabled: {transition.disabledReason}</div>}
            <Conditions stage={stage} state={state} ruleExecutions={ruleExecutions}
              onOverride={(conditionType) => act(`${conditionType === 'BEFORE_ENTRY' ? 'Entry' : 'Success'} condition of ${stage.name} overridden`, 'OverrideStageCondition',
                { pipelineName: name, stageName: stage.name, pipelineExecutionId: state!.latestExecution!.pipelineExecutionId, conditionType })} />
            {state?.retryStageMetadata && ((state.retryStageMetadata.autoStageRetryAttempt ?? 0) + (state.retryStageMetadata.manualStageRetryAttempt ?? 0)) > 0 && (
              <div className="conditions" data-testid={`stage-retries-${stage.name}`}>
                Retries: {state.retryStageMetadata.autoStageRetryAttempt ?? 0} automatic, {state.retryStageMetadata.manualStageRetryAttempt ?? 0} manual
                {state.retryStageMetadata.latestRetryTrigger && <> (latest: {state.retryStageMetadata.latestRetryTrigger})</>}
              </div>
            )}
          </div>
        );
      },
      action: (s, a) => {
        const action = declaration.stages[s].actions[a];
        const state = actionState(s, a);
        const execution = state?.latestExecution;
        const isApproval = action.actionTypeId.category === 'Approval';
        return (
          <div className="action-body">
            <div className="action-title">
              <strong>{action.name}</strong>
              <Status status={execution?.status} testId={`action-status-${declaration.stages[s].name}-${action.name}`} />
            </div>
            <div className="provider">{action.actionTypeId.provider} · runOrder {action.runOrder ?? 1}</div>
            {execution?.summary && <div className="summary" title={execution.summary}>{execution.summary}</div>}
            {execution?.errorDetails?.message && <div className="summary error" title={execution.errorDetails.message}>{execution.errorDetails.message}</div>}
            <div className="links nodrag">
              {execution?.actionExecutionId && <Link to={`/logs/${enc(name)}/${enc(execution.actionExecutionId)}`}>Logs</Link>}
              {execution?.externalExecutionUrl && <a href={execution.externalExecutionUrl} target="_blank" rel="noreferrer">Details</a>}
              {state?.entityUrl && <a href={state.entityUrl} target="_blank" rel="noreferrer">Resource</a>}
              {state?.currentRevision?.revisionId && <span className="mono">{state.currentRevision.revisionId.slice(0, 10)}</span>}
              {isApproval && execution?.status === 'InProgress' && <Link to="/approvals">Review</Link>}
            </div>
          </div>
        );
      },
    };
  }, [declaration, stageStates, ruleExecutions]);

  return (
    <section className="pipeline-view">
      <div className="toolbar">
        <h1>{name}</h1>
        {latest && (
          <span className="latest">
            Latest <Link to={`/pipelines/${enc(name)}/executions/${enc(latest.pipelineExecutionId)}`} className="mono">{latest.pipelineExecutionId.slice(0, 8)}</Link>{' '}
            <Status status={latest.status} testId="latest-status" /> {time(latest.lastUpdateTime)}
          </span>
        )}
        <span className="spacer" />
        <button onClick={() => setDialog({ kind: 'release' })}>Release change</button>
        <button disabled={!running} onClick={() => setDialog({ kind: 'stop' })}>Stop</button>
        <Link className="button" to={`/pipelines/${enc(name)}/executions`}>History</Link>
        <Link className="button" to={`/pipelines/${enc(name)}/edit`}>Edit</Link>
      </div>
      {latest?.sourceRevisions && latest.sourceRevisions.length > 0 && (
        <p className="revisions">
          {latest.sourceRevisions.map((r) => (
            <span key={r.actionName} className="revision">
              {r.actionName}: {r.revisionUrl ? <a href={r.revisionUrl} target="_blank" rel="noreferrer" className="mono">{r.revisionId?.slice(0, 12)}</a> : <span className="mono">{r.revisionId?.slice(0, 12)}</span>}
              {r.revisionSummary && <> — {r.revisionSummary}</>}
            </span>
          ))}
        </p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {notice && <p role="status" className="notice">{notice}</p>}
      {shape && content && (
        <PipelineGraph shape={shape} content={content} actionHeight={118} onLaidOut={() => performance.mark('pipeline-view-ready')} />
      )}
      {dialog?.kind === 'release' && declaration && (
        <ReleaseDialog declaration={declaration} onClose={() => setDialog(null)} onRelease={(input) => act('Release started', 'StartPipelineExecution', { name, ...input })} />
      )}
      {dialog?.kind === 'stop' && running && (
        <StopDialog onClose={() => setDialog(null)} onStop={(abandon, reason) => act(abandon ? 'Stopping and abandoning' : 'Stopping', 'StopPipelineExecution', { pipelineName: name, pipelineExecutionId: running.pipelineExecutionId, abandon, reason })} />
      )}
      {dialog?.kind === 'transition' && dialog.stage && (
        <ReasonDialog title={`Disable the transition into ${dialog.stage}`} onClose={() => setDialog(null)} onSubmit={(reason) => act(`Transition into ${dialog.stage} disabled`, 'DisableStageTransition', { pipelineName: name, stageName: dialog.stage, transitionType: 'Inbound', reason })} />
      )}
      {dialog?.kind === 'rollback' && dialog.stage && snapshot && (
        <RollbackDialog pipeline={name} stage={dialog.stage} onClose={() => setDialog(null)}
          onRollback={async (id) => {
            const started = await call<{ pipelineExecutionId: string }>('RollbackStage', { pipelineName: name, stageName: dialog.stage, targetPipelineExecutionId: id });
            setNotice(`Rollback of ${dialog.stage} to ${id.slice(0, 8)} started: execution ${started.pipelineExecutionId.slice(0, 8)}`);
            refresh();
          }} />
      )}
    </section>
  );
}

const hasSource = (stage: StageDeclaration) => stage.actions.some((a) => a.actionTypeId.category === 'Source');

const CONDITION_KINDS = [
  { key: 'beforeEntry', state: 'beforeEntryConditionState', label: 'Entry', type: 'BEFORE_ENTRY' },
  { key: 'onSuccess', state: 'onSuccessConditionState', label: 'On success', type: 'ON_SUCCESS' },
  { key: 'onFailure', state: 'onFailureConditionState', label: 'On failure', type: null },
] as const;

/**
 * A stage's declared conditions, each kind with its latest status (GetPipelineState) and each rule with its latest
 * execution: status and summary (or error), its provider from ListRuleExecutions; Override for an entry or success
 * condition in progress. Rules show even before they ran (as None), so the header keeps its height.
 */
function Conditions({ stage, state, ruleExecutions, onOverride }: {
  stage: StageDeclaration;
  state?: StageState;
  ruleExecutions?: RuleExecutionDetail[];
  onOverride: (conditionType: 'BEFORE_ENTRY' | 'ON_SUCCESS') => void;
}) {
  const kinds = CONDITION_KINDS.filter((k) => stage[k.key]);
  if (kinds.length === 0) return null;
  const executionId = state?.latestExecution?.pipelineExecutionId;
  return (
    <div className="conditions" data-testid={`conditions-${stage.name}`}>
      {kinds.map((k) => {
        const condition: ConditionState | undefined = state?.[k.state];
        const status = condition?.latestExecution?.status;
        const ruleStates = condition?.conditionStates?.flatMap((c) => c.ruleStates ?? []) ?? [];
        const rules = (stage[k.key]?.conditions ?? []).flatMap((c) => c.rules ?? []);
        return (
          <div key={k.key} className="condition" data-testid={`condition-${stage.name}-${k.type ?? 'ON_FAILURE'}`}>
            <div className="condition-line">
              <span>{k.label}{k.key === 'onFailure' && stage.onFailure?.result ? ` (${stage.onFailure.result})` : ''}</span>
              <Status status={status} testId={`condition-status-${stage.name}-${k.type ?? 'ON_FAILURE'}`} />
              {k.type && status === 'InProgress' && executionId && (
                <button className="small" onClick={() => onOverride(k.type!)} aria-label={`Override ${k.label.toLowerCase()} condition of ${stage.name}`} title="Override condition (OverrideStageCondition)">Override</button>
              )}
            </div>
            {rules.map((rule) => {
              const ruleState = ruleStates.find((r) => r.ruleName === rule.name);
              // ListRuleExecutions is newest first: the first of this stage and rule in this execution is its latest.
              const detail = ruleExecutions?.find((r) => r.pipelineExecutionId === executionId && r.stageName === stage.name && r.ruleName === rule.name);
              const latest = ruleState?.latestExecution;
              const rstatus = detail?.status ?? latest?.status;
              const summary = latest?.errorDetails?.message ?? detail?.output?.executionResult?.errorDetails?.message
                ?? latest?.summary ?? detail?.output?.executionResult?.externalExecutionSummary;
              return (
                <div key={rule.name} className="rule" data-testid={`rule-${stage.name}-${rule.name}`}>
                  <div className="condition-line">
                    <Status status={rstatus} testId={`rule-status-${stage.name}-${rule.name}`} />
                    <span className="rule-name" title={rule.name}>{rule.name}</span>
                  </div>
                  <div className={`summary${rstatus === 'Failed' ? ' error' : ''}`} title={summary}>
                    <span className="provider">{detail?.input?.ruleTypeId?.provider ?? rule.ruleTypeId?.provider}</span>{summary && <> · {summary}</>}
                  </div>
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}

function ReleaseDialog({ declaration, onClose, onRelease }: { declaration: PipelineDeclaration; onClose: () => void; onRelease: (input: object) => Promise<boolean> }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries((declaration.variables ?? []).map((v) => [v.name, v.defaultValue ?? ''])));
  const sources = declaration.stages[0]?.actions.filter((a) => a.actionTypeId.category === 'Source') ?? [];
  const [revisions, setRevisions] = useState<Record<string, string>>({});
  const v2 = declaration.pipelineType === 'V2';
  return (
    <Modal title="Release change" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          const input: any = {};
          if (v2 && declaration.variables?.length) input.variables = Object.entries(values).map(([name, value]) => ({ name, value }));
          const overrides = Object.entries(revisions).filter(([, v]) => v.trim());
          if (overrides.length) input.sourceRevisions = overrides.map(([actionName, revisionValue]) => ({ actionName, revisionType: revisionTypeOf(declaration, actionName), revisionValue: revisionValue.trim() }));
          if (await onRelease(input)) onClose();
        }}
      >
        <p>Starts a new execution with the latest source revisions{v2 ? ', or the ones given here, and these variable values' : ''}.</p>
        {v2 && (declaration.variables ?? []).map((v) => (
          <label key={v.name}>
            {v.name} {v.description && <small>— {v.description}</small>}
            <input name={`variable-${v.name}`} value={values[v.name] ?? ''} onChange={(e) => setValues({ ...values, [v.name]: e.target.value })} />
          </label>
        ))}
        {v2 && sources.map((a) => (
          <label key={a.name}>
            Source revision for {a.name} (optional)
            <input name={`revision-${a.name}`} value={revisions[a.name] ?? ''} placeholder={revisionTypeOf(declaration, a.name)} onChange={(e) => setRevisions({ ...revisions, [a.name]: e.target.value })} />
          </label>
        ))}
        <div className="buttons">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary">Release</button>
        </div>
      </form>
    </Modal>
  );
}

function revisionTypeOf(declaration: PipelineDeclaration, actionName: string): string {
  const action = declaration.stages[0]?.actions.find((a) => a.name === actionName);
  return action?.actionTypeId.provider === 'S3' ? 'S3_OBJECT_VERSION_ID' : 'COMMIT_ID';
}

function StopDialog({ onClose, onStop }: { onClose: () => void; onStop: (abandon: boolean, reason: string) => Promise<boolean> }) {
  const [abandon, setAbandon] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <Modal title="Stop the execution" onClose={onClose}>
      <form onSubmit={async (e) => { e.preventDefault(); if (await onStop(abandon, reason)) onClose(); }}>
        <label className="inline"><input type="radio" checked={!abandon} onChange={() => setAbandon(false)} /> Stop and wait: actions in progress finish</label>
        <label className="inline"><input type="radio" checked={abandon} onChange={() => setAbandon(true)} /> Stop and abandon: actions in progress are abandoned</label>
        <label>Reason<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
        <div className="buttons"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Stop</button></div>
      </form>
    </Modal>
  );
}

function ReasonDialog({ title, onClose, onSubmit }: { title: string; onClose: () => void; onSubmit: (reason: string) => Promise<boolean> }) {
  const [reason, setReason] = useState('');
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={async (e) => { e.preventDefault(); if (await onSubmit(reason)) onClose(); }}>
        <label>Reason<input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus /></label>
        <div className="buttons"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Disable</button></div>
      </form>
    </Modal>
  );
}

/**
 * RollbackStage to a chosen target: the executions that succeeded in the stage (ListPipelineExecutions with
 * filter.succeededInStage), rollbacks excluded (the server refuses them as targets). A refusal shows in the dialog.
 */
function RollbackDialog({ pipeline, stage, onClose, onRollback }: { pipeline: string; stage: string; onClose: () => void; onRollback: (id: string) => Promise<void> }) {
  const [targets, setTargets] = useState<ExecutionSummary[] | null>(null);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listAll<ExecutionSummary>('ListPipelineExecutions', { pipelineName: pipeline, filter: { succeededInStage: { stageName: stage } } }, 'pipelineExecutionSummaries', 100)
      .then((all) => {
        const standard = all.filter((e) => e.executionType !== 'ROLLBACK');
        setTargets(standard);
        // The one before the newest by default: rolling back to what runs now would change nothing.
        setTarget(standard[1]?.pipelineExecutionId ?? standard[0]?.pipelineExecutionId ?? '');
      })
      .catch((e) => setError(e instanceof ApiError ? `${e.type}: ${e.message}` : String(e)));
  }, [pipeline, stage]);
  return (
    <Modal title={`Roll back ${stage}`} onClose={onClose}>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await onRollback(target);
          onClose();
        } catch (err) {
          setError(err instanceof ApiError ? `${err.type}: ${err.message}` : String(err));
        }
      }}>
        <p>Runs {stage} again with the source revisions, artifacts and variables of an earlier execution that succeeded in it (RollbackStage).</p>
        {targets && targets.length === 0 && <p>No execution has succeeded in {stage} yet.</p>}
        <label>Target execution
          <select value={target} onChange={(e) => setTarget(e.target.value)} disabled={!targets?.length}>
            {(targets ?? []).map((e) => (
              <option key={e.pipelineExecutionId} value={e.pipelineExecutionId}>
                {e.pipelineExecutionId.slice(0, 8)} — {time(e.startTime)}{e.sourceRevisions?.[0]?.revisionId ? ` — ${e.sourceRevisions[0].revisionId.slice(0, 12)}` : ''}
              </option>
            ))}
          </select>
        </label>
        {error && <p role="alert" className="error" data-testid="rollback-error">{error}</p>}
        <div className="buttons"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary" disabled={!target}>Roll back</button></div>
      </form>
    </Modal>
  );
}
