// Artifact flow checks for the editor: every input artifact must be the output of an action that runs earlier
// (an earlier stage, or a lower runOrder in the same stage), and output artifact names must be unique.
import type { PipelineDeclaration } from '../api/types';

export type Problems = Record<string, string[]>; // by node id: stage-S or action-S-A

export function checkFlow(pipeline: PipelineDeclaration): Problems {
  const problems: Problems = {};
  const add = (id: string, message: string) => (problems[id] ??= []).push(message);
  const producedBy = new Map<string, { s: number; runOrder: number }>();
  (pipeline.stages ?? []).forEach((stage, s) => {
    if (!stage.actions?.length) add(`stage-${s}`, 'A stage needs at least one action');
    (stage.actions ?? []).forEach((action, a) => {
      for (const out of action.outputArtifacts ?? []) {
        if (producedBy.has(out.name)) add(`action-${s}-${a}`, `Output artifact ${out.name} is already produced by another action`);
        else producedBy.set(out.name, { s, runOrder: action.runOrder ?? 1 });
      }
    });
  });
  (pipeline.stages ?? []).forEach((stage, s) => {
    (stage.actions ?? []).forEach((action, a) => {
      for (const input of action.inputArtifacts ?? []) {
        const from = producedBy.get(input.name);
        if (!from) add(`action-${s}-${a}`, `Input artifact ${input.name} is not produced by any action`);
        else if (from.s > s || (from.s === s && from.runOrder >= (action.runOrder ?? 1))) add(`action-${s}-${a}`, `Input artifact ${input.name} is produced later than this action runs`);
      }
    });
  });
  return problems;
}

/** Artifact names available as inputs to action A of stage S: outputs of everything that runs before it. */
export function availableInputs(pipeline: PipelineDeclaration, s: number, a: number): string[] {
  const runOrder = pipeline.stages[s].actions[a]?.runOrder ?? 1;
  const names: string[] = [];
  pipeline.stages.forEach((stage, si) => stage.actions.forEach((action) => {
    if (si < s || (si === s && (action.runOrder ?? 1) < runOrder)) (action.outputArtifacts ?? []).forEach((o) => names.push(o.name));
  }));
  return names;
}

/** The node a server validation message points at: pipeline.stages[S] or pipeline.stages[S].actions[A]. */
export function nodeOfMessage(message: string): string | null {
  const m = /pipeline\.stages\[(\d+)\](?:\.actions\[(\d+)\])?/.exec(message);
  if (!m) return null;
  return m[2] !== undefined ? `action-${m[1]}-${m[2]}` : `stage-${m[1]}`;
}

/**
 * Moves action A of stage S into stage `to` with run order `runOrder` (joining that parallel group, or making a new
 * one): it goes after the actions of `to` that run no later, so the declaration reads in run order. Mutates the
 * pipeline; returns where the action is now (its node id).
 */
export function moveAction(pipeline: PipelineDeclaration, s: number, a: number, to: number, runOrder: number): string {
  const [moved] = pipeline.stages[s].actions.splice(a, 1);
  moved.runOrder = Math.max(1, Math.min(999, Math.round(runOrder)));
  const target = pipeline.stages[to].actions;
  let at = target.length;
  while (at > 0 && (target[at - 1].runOrder ?? 1) > moved.runOrder) at--;
  target.splice(at, 0, moved);
  return `action-${to}-${at}`;
}
