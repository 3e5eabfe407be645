import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Background, Controls, ReactFlow, type Edge, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { dropTarget, elkLayout, gridLayout, type GraphShape, type Layout } from './layout';

export interface GraphContent {
  stageHeader: (stageIndex: number) => ReactNode;
  action: (stageIndex: number, actionIndex: number) => ReactNode;
  stageClass?: (stageIndex: number) => string;
  actionClass?: (stageIndex: number, actionIndex: number) => string;
  edgeActive?: (fromStage: number) => boolean;
}

type Data = { content: ReactNode; className: string; testId: string; label: string; draggable?: boolean };

function StageNode({ data }: NodeProps<Node<Data>>) {
  return (
    <div className={`stage-node ${data.className}`} data-testid={data.testId} aria-label={data.label} role="group">
      {data.content}
    </div>
  );
}

function ActionNode({ data }: NodeProps<Node<Data>>) {
  return (
    <div className={`action-node ${data.className}`} data-testid={data.testId} aria-label={data.label}>
      {data.draggable && <span className="drag-handle" title="Drag to another stage or run order (keyboard: Alt+Shift+arrows on the action)" aria-hidden="true">⠿</span>}
      {data.content}
    </div>
  );
}

const nodeTypes: NodeTypes = { stage: StageNode, action: ActionNode };

/**
 * Stages left to right, each stage's actions laid out by runOrder (same runOrder stacked: they run in parallel),
 * placed by ELK's layered algorithm; React Flow draws, pans and zooms. Nodes are focusable (Tab) and selectable
 * with Enter or Space.
 */
export function PipelineGraph({ shape, content, selected, onSelect, onStageDrop, onActionDrop, actionHeight = 120, onLaidOut, minFitZoom = 0.75 }: {
  shape: GraphShape;
  content: GraphContent;
  selected?: string | null;
  onSelect?: (id: string | null) => void;
  onStageDrop?: (stageIndex: number, x: number, positions: Record<number, number>) => void;
  /** An action dragged (by its handle) and dropped on a stage: into that stage, joining or starting a runOrder group. */
  onActionDrop?: (stageIndex: number, actionIndex: number, target: { stage: number; runOrder: number }) => void;
  actionHeight?: number;
  onLaidOut?: () => void;
  /** The view zooms out at most this far to show every stage at first. */
  minFitZoom?: number;
}) {
  const key = JSON.stringify(shape) + actionHeight;
  // First paint from the grid layout (synchronous); ELK's layout, computed in a worker, replaces it when it comes.
  const grid = useMemo(() => gridLayout(shape, actionHeight), [key]);
  const [elk, setElk] = useState<{ key: string; layout: Layout } | null>(null);
  const layout: Layout = elk?.key === key ? elk.layout : grid;
  useEffect(() => {
    let cancelled = false;
    elkLayout(shape, actionHeight).then((l) => {
      if (!cancelled) {
        setElk({ key, layout: l });
        performance.mark('elk-layout-applied');
      }
    }).catch(() => { /* the grid layout stays */ });
    return () => {
      cancelled = true;
    };
  }, [key]);
  useEffect(() => {
    const frame = requestAnimationFrame(() => onLaidOut?.());
    return () => cancelAnimationFrame(frame);
  }, [key]);

  // The view starts at the first stage, as large as fits between minFitZoom and 100% (not shrunk to fit 50 stages):
  // readable at 200% browser zoom; pan (drag, or the arrow keys on a focused node) and zoom for the rest.
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    if (box.current) setSize({ width: box.current.clientWidth, height: box.current.clientHeight });
  }, []);
  const viewport = useMemo(() => {
    if (!size) return null;
    const zoom = Math.max(minFitZoom, Math.min(1, (size.width - 32) / Math.max(1, grid.width), (size.height - 32) / Math.max(1, grid.height)));
    return { x: 16, y: Math.max(16, (size.height - grid.height * zoom) / 2), zoom };
  }, [size, grid]);

  const nodes = useMemo<Node<Data>[]>(() => {
    const out: Node<Data>[] = [];
    shape.stages.forEach((stage, s) => {
      const box = layout.stages[s];
      if (!box) return;
      out.push({
        id: `stage-${s}`,
        type: 'stage',
        position: { x: box.x, y: box.y },
        // Fixed dimensions (known from the layout): React Flow shows the node at once instead of hiding it until a
        // ResizeObserver measures it, which a node re-created with the same size may never get again.
        width: box.width,
        height: box.height,
        style: { width: box.width, height: box.height },
        draggable: !!onStageDrop,
        selected: selected === `stage-${s}`,
        ariaLabel: `Stage ${stage.name}`,
        data: { content: content.stageHeader(s), className: content.stageClass?.(s) ?? '', testId: `stage-${stage.name}`, label: `Stage ${stage.name}` },
      });
      stage.actions.forEach((action, a) => {
        const ab = layout.actions[s]?.[a];
        if (!ab) return;
        out.push({
          id: `action-${s}-${a}`,
          type: 'action',
          parentId: `stage-${s}`,
          ...(onActionDrop ? { draggable: true, dragHandle: '.drag-handle' } : { extent: 'parent' as const, draggable: false }),
          position: { x: ab.x, y: ab.y },
          width: ab.width,
          height: ab.height,
          style: { width: ab.width, height: ab.height },
          selected: selected === `action-${s}-${a}`,
          ariaLabel: `Action ${action.name} in stage ${stage.name}`,
          data: { content: content.action(s, a), className: content.actionClass?.(s, a) ?? '', testId: `action-${stage.name}-${action.name}`, label: `Action ${action.name}`, draggable: !!onActionDrop },
        });
      });
    });
    return out;
  }, [layout, shape, content, selected]);

  const edges = useMemo<Edge[]>(() => {
    const out: Edge[] = [];
    for (let s = 0; s + 1 < shape.stages.length; s++) {
      out.push({ id: `t-${s}`, source: `stage-${s}`, target: `stage-${s + 1}`, animated: content.edgeActive?.(s) ?? false });
    }
    return out;
  }, [shape, content]);

  const [dragged, setDragged] = useState<Node<Data>[] | null>(null);
  return (
    <div className="graph" ref={box} data-testid="pipeline-graph" data-laid-out={viewport ? 'true' : 'false'} data-layout={layout.by}>
      {viewport && (
        <ReactFlow
          key={key}
          defaultViewport={viewport}
          nodes={dragged ?? nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          minZoom={0.1}
          onlyRenderVisibleElements
          nodesConnectable={false}
          elementsSelectable
          onNodeClick={(_, node) => onSelect?.(node.id)}
          onPaneClick={() => onSelect?.(null)}
          onNodesChange={(changes) => {
            // Only drags move anything (editor): where a stage or an action goes is decided on drop.
            const moves = changes.filter((c) => c.type === 'position' && c.position);
            if (moves.length === 0 || (!onStageDrop && !onActionDrop)) return;
            setDragged((current) => (current ?? nodes).map((n) => {
              const m: any = moves.find((c: any) => c.id === n.id);
              return m ? { ...n, position: m.position } : n;
            }));
          }}
          onNodeDragStop={(_, node) => {
            if (node.id.startsWith('action-')) {
              setDragged(null);
              if (!onActionDrop) return;
              const [s, a] = node.id.slice(7).split('-').map(Number);
              const parent = layout.stages[s];
              const box = layout.actions[s]?.[a];
              if (!parent || !box) return;
              // The dragged action's centre, in graph coordinates (its position is relative to its stage).
              const target = dropTarget(shape, layout, parent.x + node.position.x + box.width / 2, { s, a });
              if (target && (target.stage !== s || target.runOrder !== shape.stages[s].actions[a].runOrder)) onActionDrop(s, a, target);
              return;
            }
            if (!onStageDrop || !node.id.startsWith('stage-')) return;
            const positions: Record<number, number> = {};
            (dragged ?? nodes).forEach((n) => { if (n.id.startsWith('stage-')) positions[Number(n.id.slice(6))] = n.position.x; });
            positions[Number(node.id.slice(6))] = node.position.x;
            setDragged(null);
            onStageDrop(Number(node.id.slice(6)), node.position.x, positions);
          }}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      )}
    </div>
  );
}
