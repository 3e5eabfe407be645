import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Background, Controls, ReactFlow, type Edge, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { layoutPipeline, type GraphShape, type Layout } from './layout';

export interface GraphContent {
  stageHeader: (stageIndex: number) => ReactNode;
  action: (stageIndex: number, actionIndex: number) => ReactNode;
  stageClass?: (stageIndex: number) => string;
  actionClass?: (stageIndex: number, actionIndex: number) => string;
  edgeActive?: (fromStage: number) => boolean;
}

type Data = { content: ReactNode; className: string; testId: string; label: string };

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
export function PipelineGraph({ shape, content, selected, onSelect, onStageDrop, actionHeight = 120, onLaidOut }: {
  shape: GraphShape;
  content: GraphContent;
  selected?: string | null;
  onSelect?: (id: string | null) => void;
  onStageDrop?: (stageIndex: number, x: number, positions: Record<number, number>) => void;
  actionHeight?: number;
  onLaidOut?: () => void;
}) {
  const [layout, setLayout] = useState<Layout | null>(null);
  const [generation, setGeneration] = useState(0); // a new layout re-fits the view
  const key = JSON.stringify(shape);
  useEffect(() => {
    let cancelled = false;
    layoutPipeline(shape, actionHeight).then((l) => {
      if (!cancelled) {
        setLayout(l);
        setGeneration((g) => g + 1);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [key, actionHeight]);
  useEffect(() => {
    if (layout) onLaidOut?.();
  }, [layout]);

  const nodes = useMemo<Node<Data>[]>(() => {
    if (!layout) return [];
    const out: Node<Data>[] = [];
    shape.stages.forEach((stage, s) => {
      const box = layout.stages[s];
      if (!box) return;
      out.push({
        id: `stage-${s}`,
        type: 'stage',
        position: { x: box.x, y: box.y },
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
          extent: 'parent',
          draggable: false,
          position: { x: ab.x, y: ab.y },
          style: { width: ab.width, height: ab.height },
          selected: selected === `action-${s}-${a}`,
          ariaLabel: `Action ${action.name} in stage ${stage.name}`,
          data: { content: content.action(s, a), className: content.actionClass?.(s, a) ?? '', testId: `action-${stage.name}-${action.name}`, label: `Action ${action.name}` },
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
    <div className="graph" data-testid="pipeline-graph" data-laid-out={layout ? 'true' : 'false'}>
      {layout && (
        <ReactFlow
          key={generation}
          nodes={dragged ?? nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.05 }}
          minZoom={0.1}
          onlyRenderVisibleElements
          nodesConnectable={false}
          elementsSelectable
          onNodeClick={(_, node) => onSelect?.(node.id)}
          onPaneClick={() => onSelect?.(null)}
          onNodesChange={(changes) => {
            // Only stage drags move anything (editor): the new order is decided on drop, by x.
            const moves = changes.filter((c) => c.type === 'position' && c.position);
            if (moves.length === 0 || !onStageDrop) return;
            setDragged((current) => (current ?? nodes).map((n) => {
              const m: any = moves.find((c: any) => c.id === n.id);
              return m ? { ...n, position: m.position } : n;
            }));
          }}
          onNodeDragStop={(_, node) => {
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
      {!layout && <p className="laying-out">Laying out…</p>}
    </div>
  );
}
