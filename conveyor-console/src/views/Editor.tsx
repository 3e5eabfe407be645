import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, call } from '../api/client';
import type { ActionDeclaration, ActionTypeDeclaration, PipelineDeclaration, StageDeclaration } from '../api/types';
import { Link } from '../components/Link';
import { Modal } from '../components/Modal';
import { PipelineGraph, type GraphContent } from '../components/PipelineGraph';
import { shapeOf } from '../components/layout';
import { diffLines, hunks } from '../components/diff';
import { availableInputs, checkFlow, moveAction, nodeOfMessage } from '../components/flow';
import { enc, navigate } from '../router';

const COMMANDS: ActionDeclaration['actionTypeId'] = { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' };

function template(): PipelineDeclaration {
  return {
    name: 'my-pipeline',
    roleArn: 'arn:aws:iam::000000000000:role/my-pipeline',
    artifactStore: { type: 'S3', location: 'my-pipeline-artifacts' },
    stages: [
      { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, runOrder: 1, configuration: { S3Bucket: 'my-sources', S3ObjectKey: 'app.zip', PollForSourceChanges: 'false' }, outputArtifacts: [{ name: 'SourceOutput' }] }] },
      { name: 'Build', actions: [{ name: 'Build', actionTypeId: { ...COMMANDS }, runOrder: 1, commands: ['echo build'], inputArtifacts: [{ name: 'SourceOutput' }] }] },
    ],
    version: 1,
    pipelineType: 'V2',
    executionMode: 'QUEUED',
  };
}

const json = (p: PipelineDeclaration) => JSON.stringify(p, null, 2);
const typeKey = (t: ActionDeclaration['actionTypeId']) => `${t.category}/${t.owner}/${t.provider}/${t.version}`;

function uniqueName(base: string, taken: string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`${base}${i}`)) return `${base}${i}`;
}

/**
 * The visual editor: the graph of the declaration being edited (select a node to edit it in the side form, drag
 * a stage to reorder), the JSON beside it (either edits the other; the JSON is exactly what is saved), artifact
 * flow checked as you edit, a diff against the saved version, and the server's validation errors on their node.
 */
export function Editor({ name }: { name: string | null }) {
  const [original, setOriginal] = useState<PipelineDeclaration | null>(null);
  const [pipeline, setPipeline] = useState<PipelineDeclaration | null>(name ? null : template());
  const [text, setText] = useState<string>(name ? '' : json(template()));
  const [textError, setTextError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [actionTypes, setActionTypes] = useState<ActionTypeDeclaration[]>([]);
  const [serverError, setServerError] = useState<{ type: string; message: string; node: string | null } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [showJson, setShowJson] = useState(true);
  const [announcement, setAnnouncement] = useState('');
  const focusAfterMove = useRef<string | null>(null);

  useEffect(() => {
    if (name) {
      call<{ pipeline: PipelineDeclaration }>('GetPipeline', { name })
        .then((r) => { setOriginal(r.pipeline); setPipeline(r.pipeline); setText(json(r.pipeline)); })
        .catch((e) => setLoadError(`${e.type ?? 'Error'}: ${e.message}`));
    }
    call<{ actionTypes: ActionTypeDeclaration[] }>('ListActionTypes', {})
      .then((r) => setActionTypes(r.actionTypes ?? []))
      .catch(() => setActionTypes([]));
  }, [name]);

  /** Every change from the graph or the forms goes through here: the JSON view follows. */
  const update = (next: PipelineDeclaration) => {
    setPipeline(next);
    setText(json(next));
    setTextError(null);
    setSaved(null);
  };
  const mutate = (fn: (p: PipelineDeclaration) => void) => {
    if (!pipeline) return;
    const next: PipelineDeclaration = structuredClone(pipeline);
    fn(next);
    update(next);
  };

  /** Moves an action (drag and drop, or Alt+arrows on it) and says where it went; the flow is re-checked with the change. */
  const move = (s: number, a: number, to: number, runOrder: number, refocus = false) => {
    if (!pipeline || to < 0 || to >= pipeline.stages.length) return;
    const actionName = pipeline.stages[s].actions[a].name;
    let where = '';
    mutate((p) => { where = moveAction(p, s, a, to, runOrder); });
    setSelected(where);
    setAnnouncement(`Moved action ${actionName} to stage ${pipeline.stages[to].name}, run order ${Math.max(1, runOrder)}`);
    if (refocus) focusAfterMove.current = `Edit action ${actionName} of stage ${pipeline.stages[to].name}`;
  };
  // The graph is drawn anew when its shape changes: give the focus back to the moved action's node.
  useEffect(() => {
    const label = focusAfterMove.current;
    if (!label) return;
    // React Flow shows a new node once it has measured it (hidden until then, and a hidden element takes no focus):
    // try until the focus holds, for up to 5 s.
    const until = Date.now() + 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () => {
      const el = document.querySelector<HTMLElement>(`[aria-label="${CSS.escape(label)}"]`);
      el?.focus();
      if (el && document.activeElement === el) focusAfterMove.current = null;
      else if (Date.now() < until && focusAfterMove.current === label) timer = setTimeout(attempt, 50);
    };
    attempt();
    return () => { if (timer) clearTimeout(timer); };
  }, [pipeline]);

  const problems = useMemo(() => (pipeline ? checkFlow(pipeline) : {}), [pipeline]);
  const shape = useMemo(() => (pipeline ? shapeOf(pipeline.stages ?? []) : null), [pipeline]);

  const content = useMemo<GraphContent | null>(() => {
    if (!pipeline) return null;
    const errorsOf = (id: string) => [...(problems[id] ?? []), ...(serverError?.node === id ? [`${serverError.type}: ${serverError.message}`] : [])];
    return {
      stageClass: (s) => (errorsOf(`stage-${s}`).length ? 'has-error' : ''),
      actionClass: (s, a) => (errorsOf(`action-${s}-${a}`).length ? 'has-error' : ''),
      stageHeader: (s) => {
        const stage = pipeline.stages[s];
        const errors = errorsOf(`stage-${s}`);
        return (
          <div className="stage-header">
            <div className="stage-title"><strong>{stage.name}</strong></div>
            <div className="stage-buttons nodrag">
              <button className="small" aria-label={`Select stage ${stage.name}`} onClick={() => setSelected(`stage-${s}`)}>Edit</button>
              <button className="small" aria-label={`Add an action to ${stage.name}`} onClick={() => addAction(s)}>+ Action</button>
            </div>
            {errors.map((e) => <div key={e} className="node-error" role="alert">{e}</div>)}
          </div>
        );
      },
      action: (s, a) => {
        const action = pipeline.stages[s].actions[a];
        const errors = errorsOf(`action-${s}-${a}`);
        return (
          <button className="action-body action-select nodrag" aria-label={`Edit action ${action.name} of stage ${pipeline.stages[s].name}`}
            aria-keyshortcuts="Alt+Shift+ArrowLeft Alt+Shift+ArrowRight Alt+Shift+ArrowUp Alt+Shift+ArrowDown"
            onClick={() => setSelected(`action-${s}-${a}`)}
            onKeyDown={(e) => {
              // Keyboard moves (no browser uses these): Alt+Shift+←/→ to the previous/next stage, Alt+Shift+↑/↓ to an
              // earlier/later runOrder group.
              const steps: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
              const step = steps[e.key];
              if (!e.altKey || !e.shiftKey || !step) return;
              e.preventDefault();
              e.stopPropagation();
              move(s, a, s + step[0], (action.runOrder ?? 1) + step[1], true);
            }}>
            <div className="action-title"><strong>{action.name}</strong></div>
            <div className="provider">{action.actionTypeId?.provider} · runOrder {action.runOrder ?? 1}</div>
            <div className="artifacts">
              {(action.inputArtifacts ?? []).map((i) => <span key={'i' + i.name} className="artifact in">→ {i.name}</span>)}
              {(action.outputArtifacts ?? []).map((o) => <span key={'o' + o.name} className="artifact out">{o.name} →</span>)}
            </div>
            {errors.map((e) => <span key={e} className="node-error" role="alert">{e}</span>)}
          </button>
        );
      },
    };
  }, [pipeline, problems, serverError]);

  function addStage(after: number | null) {
    mutate((p) => {
      const at = after === null ? p.stages.length : after + 1;
      const stageName = uniqueName('Stage', p.stages.map((x) => x.name));
      p.stages.splice(at, 0, { name: stageName, actions: [{ name: 'Commands', actionTypeId: { ...COMMANDS }, runOrder: 1, commands: ['echo hello'] }] });
      setSelected(`action-${at}-0`);
    });
  }
  function addAction(s: number) {
    mutate((p) => {
      const stage = p.stages[s];
      const actionName = uniqueName('Action', stage.actions.map((x) => x.name));
      stage.actions.push({ name: actionName, actionTypeId: { ...COMMANDS }, runOrder: 1, commands: ['echo hello'] });
      setSelected(`action-${s}-${stage.actions.length - 1}`);
    });
  }

  const save = async () => {
    if (!pipeline) return;
    setServerError(null);
    try {
      const r = name
        ? await call<{ pipeline: PipelineDeclaration }>('UpdatePipeline', { pipeline })
        : await call<{ pipeline: PipelineDeclaration }>('CreatePipeline', { pipeline });
      setOriginal(r.pipeline);
      update(r.pipeline);
      setSaved(`Saved ${r.pipeline.name} version ${r.pipeline.version}`);
      if (!name) navigate(`/pipelines/${enc(r.pipeline.name)}/edit`);
    } catch (e) {
      if (e instanceof ApiError) {
        const node = nodeOfMessage(e.message);
        setServerError({ type: e.type, message: e.message, node });
        if (node) setSelected(node);
      } else setServerError({ type: 'Error', message: String(e), node: null });
    }
  };

  if (loadError) return <p role="alert" className="error">{loadError}</p>;
  if (!pipeline || !shape || !content) return <p>Loading…</p>;
  const problemCount = Object.values(problems).flat().length;
  const diff = hunks(diffLines(original ? json(original) : '', json(pipeline)));

  return (
    <section className="editor">
      <div className="toolbar">
        <h1>{name ? <>Edit <Link to={`/pipelines/${enc(name)}`}>{name}</Link></> : 'New pipeline'}</h1>
        <button onClick={() => addStage(selected?.startsWith('stage-') || selected?.startsWith('action-') ? Number(selected.split('-')[1]) : null)}>Add stage</button>
        <span className="spacer" />
        {problemCount > 0 && <span className="warn-text">{problemCount} problem{problemCount > 1 ? 's' : ''} in the artifact flow</span>}
        <button aria-pressed={showJson} onClick={() => setShowJson(!showJson)}>{showJson ? 'Hide JSON' : 'Show JSON'}</button>
        <button className="primary" disabled={!!textError} onClick={() => setReviewing(true)}>Review and save</button>
      </div>
      {saved && (
        <p role="status" className="notice" data-testid="saved">
          {saved}. <Link to={`/pipelines/${enc(pipeline.name)}`}>Open the pipeline</Link>{' '}
          <button onClick={async () => { await call('StartPipelineExecution', { name: pipeline.name }); navigate(`/pipelines/${enc(pipeline.name)}`); }}>Release change now</button>
        </p>
      )}
      <p role="status" aria-live="polite" className="visually-hidden" data-testid="move-announcement">{announcement}</p>
      {serverError && <p role="alert" className="error" data-testid="server-error">{serverError.type}: {serverError.message}</p>}
      <div className={`editor-panes${showJson ? '' : ' no-json'}`}>
        <PipelineGraph
          shape={shape}
          content={content}
          selected={selected}
          onSelect={setSelected}
          actionHeight={100}
          minFitZoom={0.2}
          onActionDrop={(s, a, target) => move(s, a, target.stage, target.runOrder)}
          onStageDrop={(_, __, positions) => mutate((p) => {
            const order = p.stages.map((_, i) => i).sort((a, b) => (positions[a] ?? 0) - (positions[b] ?? 0));
            p.stages = order.map((i) => p.stages[i]);
          })}
        />
        <aside className="side" aria-label="Properties">
          <Inspector pipeline={pipeline} selected={selected} actionTypes={actionTypes} mutate={mutate} select={setSelected} addStage={addStage} />
        </aside>
        <div className="json-pane" hidden={!showJson}>
          <label htmlFor="pipeline-json">Pipeline JSON (what is saved)</label>
          <textarea
            id="pipeline-json"
            spellCheck={false}
            value={text}
            data-testid="pipeline-json"
            onChange={(e) => {
              setText(e.target.value);
              try {
                const parsed = JSON.parse(e.target.value);
                if (!parsed || !Array.isArray(parsed.stages)) throw new Error('a pipeline needs a stages array');
                setPipeline(parsed);
                setTextError(null);
              } catch (err: any) {
                setTextError(err.message);
              }
            }}
          />
          {textError && <p role="alert" className="error">JSON: {textError}</p>}
        </div>
      </div>
      {reviewing && (
        <Modal title="Review the changes" onClose={() => setReviewing(false)}>
          <pre className="diff" data-testid="diff" aria-label="Changes">
            {diff.every((l) => l === null || l.kind === ' ') ? 'No changes.' : diff.map((l, i) => (l === null ? <div key={i} className="gap">⋯</div> : <div key={i} className={`d${l.kind === '+' ? 'add' : l.kind === '-' ? 'del' : ''}`}>{l.kind} {l.text}</div>))}
          </pre>
          <div className="buttons">
            <button onClick={() => setReviewing(false)}>Keep editing</button>
            <button className="primary" onClick={async () => { setReviewing(false); await save(); }}>{name ? 'Save (UpdatePipeline)' : 'Create (CreatePipeline)'}</button>
          </div>
        </Modal>
      )}
    </section>
  );
}

function Inspector({ pipeline, selected, actionTypes, mutate, select, addStage }: {
  pipeline: PipelineDeclaration;
  selected: string | null;
  actionTypes: ActionTypeDeclaration[];
  mutate: (fn: (p: PipelineDeclaration) => void) => void;
  select: (id: string | null) => void;
  addStage: (after: number | null) => void;
}) {
  const parts = selected?.split('-') ?? [];
  const s = parts[1] !== undefined ? Number(parts[1]) : -1;
  const a = parts[2] !== undefined ? Number(parts[2]) : -1;
  const stage: StageDeclaration | undefined = pipeline.stages[s];
  const action: ActionDeclaration | undefined = a >= 0 ? stage?.actions[a] : undefined;

  if (action && stage) {
    const type = actionTypes.find((t) => typeKey(t.id) === typeKey(action.actionTypeId));
    const inputs = availableInputs(pipeline, s, a);
    const setAction = (fn: (x: ActionDeclaration) => void) => mutate((p) => fn(p.stages[s].actions[a]));
    const isCommands = action.actionTypeId.provider === 'Commands';
    return (
      <form className="inspector" onSubmit={(e) => e.preventDefault()} aria-label={`Action ${action.name}`}>
        <h2>Action {action.name} <small>in {stage.name}</small></h2>
        <label>Name<input name="action-name" value={action.name} onChange={(e) => setAction((x) => { x.name = e.target.value; })} /></label>
        <label>Action type
          <select name="action-type" value={typeKey(action.actionTypeId)} onChange={(e) => {
            const t = actionTypes.find((x) => typeKey(x.id) === e.target.value);
            if (t) setAction((x) => { x.actionTypeId = { ...t.id }; if (t.id.provider !== 'Commands') delete x.commands; else x.commands ??= ['echo hello']; });
          }}>
            {!type && <option value={typeKey(action.actionTypeId)}>{typeKey(action.actionTypeId)}</option>}
            {actionTypes.map((t) => <option key={typeKey(t.id)} value={typeKey(t.id)}>{typeKey(t.id)}</option>)}
          </select>
        </label>
        <label>Run order<input name="run-order" type="number" min={1} max={999} value={action.runOrder ?? 1} onChange={(e) => setAction((x) => { x.runOrder = Number(e.target.value) || 1; })} /></label>
        {isCommands && (
          <label>Commands (one per line)
            <textarea name="commands" rows={5} value={(action.commands ?? []).join('\n')} onChange={(e) => setAction((x) => { x.commands = e.target.value.split('\n'); })} />
          </label>
        )}
        {(type?.actionConfigurationProperties ?? []).length > 0 && <h3>Configuration</h3>}
        {(type?.actionConfigurationProperties ?? []).map((prop) => (
          <label key={prop.name} title={prop.description}>
            {prop.name}{prop.required ? ' (required)' : ''}
            <input
              name={`config-${prop.name}`}
              type={prop.secret ? 'password' : 'text'}
              value={action.configuration?.[prop.name] ?? ''}
              onChange={(e) => setAction((x) => {
                x.configuration = { ...(x.configuration ?? {}) };
                if (e.target.value === '') delete x.configuration[prop.name];
                else x.configuration[prop.name] = e.target.value;
                if (Object.keys(x.configuration).length === 0) delete x.configuration;
              })}
            />
            {prop.description && <small>{prop.description}</small>}
          </label>
        ))}
        <fieldset>
          <legend>Input artifacts</legend>
          {inputs.length === 0 && <small>No artifact is produced before this action.</small>}
          {inputs.map((n) => (
            <label key={n} className="inline">
              <input type="checkbox" name={`input-${n}`} checked={(action.inputArtifacts ?? []).some((i) => i.name === n)} onChange={(e) => setAction((x) => {
                const rest = (x.inputArtifacts ?? []).filter((i) => i.name !== n);
                x.inputArtifacts = e.target.checked ? [...rest, { name: n }] : rest;
                if (x.inputArtifacts.length === 0) delete x.inputArtifacts;
              })} /> {n}
            </label>
          ))}
        </fieldset>
        <label>Output artifacts (comma separated)
          <input name="outputs" value={(action.outputArtifacts ?? []).map((o) => o.name).join(', ')} onChange={(e) => setAction((x) => {
            const names = e.target.value.split(',').map((v) => v.trim()).filter(Boolean);
            const old = x.outputArtifacts ?? [];
            x.outputArtifacts = names.map((n) => old.find((o) => o.name === n) ?? { name: n });
            if (names.length === 0) delete x.outputArtifacts;
          })} />
        </label>
        <label>Variable namespace<input name="namespace" value={action.namespace ?? ''} onChange={(e) => setAction((x) => { if (e.target.value) x.namespace = e.target.value; else delete x.namespace; })} /></label>
        <div className="buttons">
          <button type="button" disabled={s === 0} onClick={() => { mutate((p) => { const [moved] = p.stages[s].actions.splice(a, 1); p.stages[s - 1].actions.push(moved); }); select(`action-${s - 1}-${pipeline.stages[s - 1].actions.length}`); }}>Move to previous stage</button>
          <button type="button" disabled={s === pipeline.stages.length - 1} onClick={() => { mutate((p) => { const [moved] = p.stages[s].actions.splice(a, 1); p.stages[s + 1].actions.push(moved); }); select(`action-${s + 1}-${pipeline.stages[s + 1].actions.length}`); }}>Move to next stage</button>
          <button type="button" className="danger" onClick={() => { mutate((p) => { p.stages[s].actions.splice(a, 1); }); select(`stage-${s}`); }}>Remove action</button>
        </div>
      </form>
    );
  }
  if (stage) {
    return (
      <form className="inspector" onSubmit={(e) => e.preventDefault()} aria-label={`Stage ${stage.name}`}>
        <h2>Stage {stage.name}</h2>
        <label>Name<input name="stage-name" value={stage.name} onChange={(e) => mutate((p) => { p.stages[s].name = e.target.value; })} /></label>
        <div className="buttons">
          <button type="button" disabled={s === 0} onClick={() => { mutate((p) => { const [x] = p.stages.splice(s, 1); p.stages.splice(s - 1, 0, x); }); select(`stage-${s - 1}`); }}>Move left</button>
          <button type="button" disabled={s === pipeline.stages.length - 1} onClick={() => { mutate((p) => { const [x] = p.stages.splice(s, 1); p.stages.splice(s + 1, 0, x); }); select(`stage-${s + 1}`); }}>Move right</button>
          <button type="button" onClick={() => addStage(s)}>Add stage after</button>
          <button type="button" className="danger" onClick={() => { mutate((p) => { p.stages.splice(s, 1); }); select(null); }}>Remove stage</button>
        </div>
      </form>
    );
  }
  return (
    <form className="inspector" onSubmit={(e) => e.preventDefault()} aria-label="Pipeline">
      <h2>Pipeline</h2>
      <label>Name<input name="pipeline-name" value={pipeline.name} onChange={(e) => mutate((p) => { p.name = e.target.value; })} /></label>
      <label>Service role ARN<input name="role-arn" value={pipeline.roleArn ?? ''} onChange={(e) => mutate((p) => { p.roleArn = e.target.value; })} /></label>
      <label>Artifact bucket<input name="artifact-bucket" value={pipeline.artifactStore?.location ?? ''} onChange={(e) => mutate((p) => { p.artifactStore = { type: 'S3', location: e.target.value }; })} /></label>
      <label>Type
        <select value={pipeline.pipelineType ?? 'V1'} onChange={(e) => mutate((p) => { p.pipelineType = e.target.value; })}><option>V1</option><option>V2</option></select>
      </label>
      <label>Execution mode
        <select value={pipeline.executionMode ?? 'SUPERSEDED'} onChange={(e) => mutate((p) => { p.executionMode = e.target.value; })}><option>SUPERSEDED</option><option>QUEUED</option><option>PARALLEL</option></select>
      </label>
      <fieldset>
        <legend>Variables</legend>
        {(pipeline.variables ?? []).map((v, i) => (
          <div key={i} className="variable">
            <input aria-label="Variable name" value={v.name} onChange={(e) => mutate((p) => { p.variables![i].name = e.target.value; })} />
            <input aria-label={`Default of ${v.name}`} value={v.defaultValue ?? ''} onChange={(e) => mutate((p) => { p.variables![i].defaultValue = e.target.value; })} />
            <button type="button" className="small" aria-label={`Remove variable ${v.name}`} onClick={() => mutate((p) => { p.variables!.splice(i, 1); if (!p.variables!.length) delete p.variables; })}>×</button>
          </div>
        ))}
        <button type="button" className="small" onClick={() => mutate((p) => { p.variables = [...(p.variables ?? []), { name: uniqueName('VAR', (p.variables ?? []).map((v) => v.name)), defaultValue: '' }]; })}>Add variable</button>
      </fieldset>
      <p><small>Triggers ({(pipeline.triggers ?? []).length}) are edited in the JSON view. Select a stage or action in the graph to edit it.</small></p>
    </form>
  );
}
