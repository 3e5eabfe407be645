// Where stages and actions go. Stages run left to right; inside a stage, actions of one runOrder run in parallel
// (stacked in one column) and higher runOrders to their right.
//
// Two layouts of the same shape: gridLayout, synchronous, for the first paint (it is exact for CodePipeline's
// structure and costs nothing), and ELK's layered algorithm, run in a Web Worker right after, whose result then
// replaces it: the page is interactive at once on large pipelines, ELK never blocks the main thread.
import ElkWorker from 'elkjs/lib/elk-worker.min.js?worker';

/** header: extra height of a stage's header beyond the common one (its conditions' lines in the pipeline view). */
export interface GraphShape { stages: { name: string; actions: { name: string; runOrder: number }[]; header?: number }[] }
export interface Box { x: number; y: number; width: number; height: number }
export interface Layout { stages: Box[]; actions: Box[][]; width: number; height: number; by: 'grid' | 'elk' }

export const ACTION_WIDTH = 230;
const HEADER = 96;
const PAD = 14;
const ACTION_GAP = 14;
const ORDER_GAP = 24;
const STAGE_GAP = 48;

function runOrders(stage: GraphShape['stages'][number]): number[] {
  return [...new Set(stage.actions.map((a) => a.runOrder))].sort((a, b) => a - b);
}

export function gridLayout(shape: GraphShape, actionHeight: number): Layout {
  let x = 0;
  let height = 0;
  const stages: Box[] = [];
  const actions: Box[][] = [];
  shape.stages.forEach((stage, s) => {
    const orders = runOrders(stage);
    const columns = Math.max(1, orders.length);
    const rows = Math.max(1, ...orders.map((o) => stage.actions.filter((a) => a.runOrder === o).length));
    const width = PAD * 2 + columns * ACTION_WIDTH + (columns - 1) * ORDER_GAP;
    const header = HEADER + (stage.header ?? 0);
    const h = header + PAD + rows * actionHeight + (rows - 1) * ACTION_GAP;
    stages[s] = { x, y: 0, width, height: h };
    const seen = new Map<number, number>();
    actions[s] = stage.actions.map((a) => {
      const column = orders.indexOf(a.runOrder);
      const row = seen.get(a.runOrder) ?? 0;
      seen.set(a.runOrder, row + 1);
      return { x: PAD + column * (ACTION_WIDTH + ORDER_GAP), y: header + row * (actionHeight + ACTION_GAP), width: ACTION_WIDTH, height: actionHeight };
    });
    x += width + STAGE_GAP;
    height = Math.max(height, h);
  });
  return { stages, actions, width: Math.max(0, x - STAGE_GAP), height, by: 'grid' };
}

let elkInstance: Promise<any> | null = null;
/** The ELK API with its engine in a worker; the worker starts (and its script loads) on first use. */
export const loadElk = () =>
  (elkInstance ??= import('elkjs/lib/elk-api.js').then((m: any) => new (m.default ?? m)({ workerFactory: () => new ElkWorker() })));

export async function elkLayout(shape: GraphShape, actionHeight: number): Promise<Layout> {
  const children = shape.stages.map((stage, s) => {
    const header = HEADER + (stage.header ?? 0);
    const orders = runOrders(stage);
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
        'elk.padding': `[top=${header},left=${PAD},bottom=${PAD},right=${PAD}]`,
        'elk.spacing.nodeNode': String(ACTION_GAP),
        'elk.layered.spacing.nodeNodeBetweenLayers': String(ORDER_GAP),
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${ACTION_WIDTH + 2 * PAD},${header + actionHeight + PAD})`,
      },
      children: stage.actions.map((_, a) => ({ id: `a-${s}-${a}`, width: ACTION_WIDTH, height: actionHeight })),
      edges,
    };
  });
  const elk = await loadElk();
  const graph: any = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(STAGE_GAP),
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children,
    edges: shape.stages.slice(0, -1).map((_, s) => ({ id: `t-${s}`, sources: [`s-${s}`], targets: [`s-${s + 1}`] })),
  });
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
  return { stages, actions, width: graph.width ?? 0, height: graph.height ?? 0, by: 'elk' };
}

type ShapeStage = { name: string; actions: { name: string; runOrder?: number }[]; beforeEntry?: Conditions; onSuccess?: Conditions; onFailure?: Conditions };
type Conditions = { conditions?: { rules?: unknown[] }[]; result?: string };

/** Height of one condition kind's line (label, status, Override) and of one rule's two lines (name and status; summary). */
export const CONDITION_LINE = 22;
export const RULE_LINES = 30;

/**
 * The graph's shape. With withConditions (the pipeline view), a stage that declares conditions gets a taller header:
 * one line per kind of condition and two per rule (the same height whatever their state, so the layout stays put
 * while states change).
 */
export function shapeOf(stages: ShapeStage[], withConditions = false): GraphShape {
  return {
    stages: stages.map((s) => {
      const kinds = withConditions ? [s.beforeEntry, s.onSuccess, s.onFailure].filter((k): k is Conditions => !!k) : [];
      const rules = kinds.reduce((n, k) => n + (k.conditions ?? []).reduce((m, c) => m + (c.rules?.length ?? 0), 0), 0);
      const header = kinds.length * CONDITION_LINE + rules * RULE_LINES;
      return { name: s.name, actions: (s.actions ?? []).map((a) => ({ name: a.name, runOrder: a.runOrder ?? 1 })), ...(header ? { header } : {}) };
    }),
  };
}

/**
 * Where an action dropped at x (graph coordinates; stages are columns, so height does not matter) goes: the stage
 * under it, half the gap between stages counting for each side, and the run order of the column under it (joining
 * that parallel group), or one past the last column when dropped right of every column (a new group that runs after
 * them). null when dropped left or right of every stage. `except` (stage, action) is the action being dragged: its
 * own column does not count unless other actions share it.
 */
export function dropTarget(shape: GraphShape, layout: Layout, x: number, except?: { s: number; a: number }): { stage: number; runOrder: number } | null {
  const s = layout.stages.findIndex((b) => b && x >= b.x - STAGE_GAP / 2 && x <= b.x + b.width + STAGE_GAP / 2);
  if (s < 0) return null;
  const stage = layout.stages[s];
  const columns = new Map<number, { from: number; to: number }>();
  shape.stages[s].actions.forEach((action, a) => {
    if (except && except.s === s && except.a === a) return;
    const box = layout.actions[s]?.[a];
    if (!box) return;
    const c = columns.get(action.runOrder) ?? { from: Infinity, to: -Infinity };
    columns.set(action.runOrder, { from: Math.min(c.from, stage.x + box.x), to: Math.max(c.to, stage.x + box.x + box.width) });
  });
  const orders = [...columns.keys()].sort((p, q) => p - q);
  if (orders.length === 0) return { stage: s, runOrder: 1 };
  for (const order of orders) {
    const c = columns.get(order)!;
    if (x >= c.from - ORDER_GAP / 2 && x <= c.to + ORDER_GAP / 2) return { stage: s, runOrder: order };
  }
  const last = orders[orders.length - 1];
  if (x > columns.get(last)!.to) return { stage: s, runOrder: last + 1 };
  // Left of the first column, or in a gap between two: the group to its right starts there, so join it.
  return { stage: s, runOrder: orders.find((o) => columns.get(o)!.from >= x) ?? orders[0] };
}
