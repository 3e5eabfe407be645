// ELK (layered, left to right) places stages and, inside each, its actions by runOrder: an action of runOrder n
// is linked to those of the next runOrder, so equal runOrders end up in one column (parallel) and later ones
// to their right.

export interface GraphShape { stages: { name: string; actions: { name: string; runOrder: number }[] }[] }
export interface Box { x: number; y: number; width: number; height: number }
export interface Layout { stages: Box[]; actions: Box[][] }

// ELK is the largest part of the bundle: loaded with the first graph, not with the list.
let elkInstance: Promise<any> | null = null;
export const loadElk = () => (elkInstance ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));
export const ACTION_WIDTH = 230;
const HEADER = 96;

export async function layoutPipeline(shape: GraphShape, actionHeight: number): Promise<Layout> {
  const children = shape.stages.map((stage, s) => {
    const orders = [...new Set(stage.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
    const edges: { id: string; sources: string[]; targets: string[] }[] = [];
    orders.slice(0, -1).forEach((order, i) => {
      const next = orders[i + 1];
      stage.actions.forEach((a, ai) => {
        if (a.runOrder !== order) return;
        stage.actions.forEach((b, bi) => {
          if (b.runOrder === next) edges.push({ id: `e-${s}-${ai}-${bi}`, sources: [`a-${s}-${ai}`], targets: [`a-${s}-${bi}`] });
        });
      });
    });
    return {
      id: `s-${s}`,
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.padding': `[top=${HEADER},left=14,bottom=14,right=14]`,
        'elk.spacing.nodeNode': '14',
        'elk.layered.spacing.nodeNodeBetweenLayers': '24',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${ACTION_WIDTH + 28},${HEADER + actionHeight + 28})`,
      },
      children: stage.actions.map((_, a) => ({ id: `a-${s}-${a}`, width: ACTION_WIDTH, height: actionHeight })),
      edges,
    };
  });
  const elk = await loadElk();
  performance.mark('elk-loaded');
  const graph: any = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.alignment': 'TOP',
    },
    children,
    edges: shape.stages.slice(0, -1).map((_, s) => ({ id: `t-${s}`, sources: [`s-${s}`], targets: [`s-${s + 1}`] })),
  });
  performance.mark('layout-done');
  const stages: Box[] = [];
  const actions: Box[][] = [];
  (graph.children ?? []).forEach((c: any) => {
    const s = Number(c.id.slice(2));
    stages[s] = { x: c.x ?? 0, y: 0, width: c.width ?? 0, height: c.height ?? 0 };
    actions[s] = [];
    (c.children ?? []).forEach((a: any) => {
      const ai = Number(a.id.split('-')[2]);
      actions[s][ai] = { x: a.x ?? 0, y: a.y ?? 0, width: a.width ?? ACTION_WIDTH, height: a.height ?? actionHeight };
    });
  });
  return { stages, actions };
}

export function shapeOf(stages: { name: string; actions: { name: string; runOrder?: number }[] }[]): GraphShape {
  return { stages: stages.map((s) => ({ name: s.name, actions: (s.actions ?? []).map((a) => ({ name: a.name, runOrder: a.runOrder ?? 1 })) })) };
}
