// Live updates of a pipeline, in one place so the transport can change: today it polls GetPipelineState and
// ListPipelineExecutions; when the server's event stream lands, watchPipeline can listen to it instead (and poll
// only as a fallback) without any view changing.
import { call } from './client';
import type { ExecutionSummary, PipelineState, RuleExecutionDetail } from './types';

export interface PipelineSnapshot {
  state: PipelineState;
  executions: ExecutionSummary[];
  /** The rule executions of the executions the stages' condition states are about (ListRuleExecutions, newest first). */
  ruleExecutions: RuleExecutionDetail[];
}

export const POLL_MILLIS = 1000;

/** Calls onUpdate with the pipeline's state now and whenever it is refreshed; returns the function that stops it. */
export function watchPipeline(name: string, onUpdate: (snapshot: PipelineSnapshot) => void, onError: (e: unknown) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
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
      if (!stopped) onUpdate({ state, executions: executions.pipelineExecutionSummaries ?? [], ruleExecutions: rules.flatMap((r) => r.ruleExecutionDetails ?? []) });
    } catch (e) {
      if (!stopped) onError(e);
    }
    if (!stopped) timer = setTimeout(tick, document.hidden ? POLL_MILLIS * 5 : POLL_MILLIS);
  };
  tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/** Asks for a refresh soon after the user acted (e.g. Release change), without waiting for the next tick. */
export function refreshSoon(refresh: () => void) {
  setTimeout(refresh, 150);
}
