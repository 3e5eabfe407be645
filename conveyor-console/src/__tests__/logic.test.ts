import { describe, expect, test, vi } from 'vitest';
import { firstErrorLine, parseAnsi, stripAnsi } from '../components/ansi';
import { diffLines, hunks } from '../components/diff';
import { availableInputs, checkFlow, moveAction, nodeOfMessage } from '../components/flow';
import { CONDITION_LINE, dropTarget, gridLayout, RULE_LINES, shapeOf } from '../components/layout';
import type { PipelineDeclaration } from '../api/types';
import { anyRuleInProgress, coalesced, recheckWhile, SseParser, type StreamEvent } from '../api/live';

const commands = { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' };
const pipeline = (stages: PipelineDeclaration['stages']): PipelineDeclaration => ({ name: 'p', stages });

describe('ansi', () => {
  test('colours and bold carry over until reset, other escapes are dropped', () => {
    const state = { fg: null as number | null, bold: false };
    expect(parseAnsi('\x1b[1;31mfailed\x1b[0m ok\x1b[2K', state)).toEqual([
      { text: 'failed', className: 'ansi-fg-31 ansi-bold' },
      { text: ' ok', className: '' },
    ]);
    expect(parseAnsi('\x1b[32mgreen', state)).toEqual([{ text: 'green', className: 'ansi-fg-32' }]);
    expect(parseAnsi('still green', state)).toEqual([{ text: 'still green', className: 'ansi-fg-32' }]);
    expect(stripAnsi('\x1b[38;5;200mx\x1b[0m')).toBe('x');
  });

  test('the first error is an output line, not the command that printed it', () => {
    expect(firstErrorLine(['$ echo "ERROR: x" >&2', 'ERROR: x', 'Error again'])).toBe(1);
    expect(firstErrorLine(['+ make', 'make: *** [all] Error 2'])).toBe(1);
    expect(firstErrorLine(['all good', 'exit code 0'])).toBe(-1);
    expect(firstErrorLine(['Process exited with exit code 3'])).toBe(0);
  });
});

describe('diff', () => {
  test('added and removed lines between unchanged ones, in order', () => {
    expect(diffLines('a\nb\nc\nd', 'a\nc\nx\nd')).toEqual([
      { kind: ' ', text: 'a' }, { kind: '-', text: 'b' }, { kind: ' ', text: 'c' }, { kind: '+', text: 'x' }, { kind: ' ', text: 'd' },
    ]);
  });

  test('hunks keep context around changes and mark the gaps', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const h = hunks(diffLines(before, after), 1);
    expect(h.map((l) => (l ? l.kind + l.text : null))).toEqual([null, ' line 9', '-line 10', '+line ten', ' line 11', null]);
  });
});

describe('artifact flow', () => {
  const source = { name: 'Src', actionTypeId: { ...commands, category: 'Source', provider: 'S3' }, outputArtifacts: [{ name: 'Code' }] };
  test('inputs must be produced earlier; outputs are unique', () => {
    const p = pipeline([
      { name: 'Source', actions: [source] },
      { name: 'Build', actions: [
        { name: 'A', actionTypeId: commands, runOrder: 1, inputArtifacts: [{ name: 'Code' }, { name: 'Later' }], outputArtifacts: [{ name: 'Code' }] },
        { name: 'B', actionTypeId: commands, runOrder: 2, outputArtifacts: [{ name: 'Later' }] },
        { name: 'C', actionTypeId: commands, runOrder: 3, inputArtifacts: [{ name: 'Missing' }] },
      ] },
    ]);
    expect(checkFlow(p)).toEqual({
      'action-1-0': ['Output artifact Code is already produced by another action', 'Input artifact Later is produced later than this action runs'],
      'action-1-2': ['Input artifact Missing is not produced by any action'],
    });
    expect(availableInputs(p, 1, 2)).toEqual(['Code', 'Code', 'Later']);
    expect(availableInputs(p, 1, 0)).toEqual(['Code']);
  });

  test('a server message names the node it is about', () => {
    expect(nodeOfMessage("Value 'x!' at 'pipeline.stages[2].actions[1].name' failed to satisfy constraint")).toBe('action-2-1');
    expect(nodeOfMessage('Stage names must be unique (at pipeline.stages[3].name)')).toBe('stage-3');
    expect(nodeOfMessage('Pipeline name is taken')).toBeNull();
  });
});

describe('grid layout', () => {
  test('stages in a row; equal runOrders stacked, higher ones to the right', () => {
    const shape = shapeOf([
      { name: 'S', actions: [{ name: 'a' }] },
      { name: 'T', actions: [{ name: 'x', runOrder: 1 }, { name: 'y', runOrder: 1 }, { name: 'z', runOrder: 2 }] },
    ]);
    const l = gridLayout(shape, 100);
    expect(l.stages[1].x).toBeGreaterThan(l.stages[0].x + l.stages[0].width);
    const [x, y, z] = l.actions[1];
    expect(x.x).toBe(y.x);
    expect(y.y).toBeGreaterThan(x.y);
    expect(z.x).toBeGreaterThan(x.x + x.width);
    expect(l.stages[1].height).toBeGreaterThan(l.stages[0].height);
  });

  test("a stage's declared conditions make its header taller in the pipeline view only, by their rules", () => {
    const rule = (name: string) => ({ name, ruleTypeId: { provider: 'VariableCheck' } });
    const stages = [
      { name: 'Plain', actions: [{ name: 'a' }] },
      { name: 'Gated', actions: [{ name: 'b' }], beforeEntry: { conditions: [{ result: 'FAIL', rules: [rule('r1'), rule('r2')] }] } },
      { name: 'Both', actions: [{ name: 'c' }], beforeEntry: { conditions: [{ rules: [rule('r1')] }] }, onSuccess: { conditions: [{ rules: [rule('r2')] }] } },
    ];
    expect(shapeOf(stages).stages.map((s) => s.header)).toEqual([undefined, undefined, undefined]);
    const shape = shapeOf(stages, true);
    expect(shape.stages.map((s) => s.header)).toEqual([undefined, CONDITION_LINE + 2 * RULE_LINES, 2 * CONDITION_LINE + 2 * RULE_LINES]);
    const l = gridLayout(shape, 100);
    expect(l.actions[1][0].y - l.actions[0][0].y).toBe(CONDITION_LINE + 2 * RULE_LINES);
    expect(l.stages[1].height - l.stages[0].height).toBe(CONDITION_LINE + 2 * RULE_LINES);
  });
});

describe('event stream parsing', () => {
  test('events cut anywhere across chunks, comments skipped, id kept for Last-Event-ID, retry read', () => {
    const got: StreamEvent[] = [];
    const parser = new SseParser((e) => got.push(e));
    const text = 'retry: 1000\n\n: keepalive\n\nid: 7\nevent: CodePipeline Stage Execution State Change\ndata: {"a":1}\n\nid: 8\r\nevent: x\r\ndata: line1\r\ndata: line2\r\n\r\n';
    for (let i = 0; i < text.length; i += 5) parser.push(text.slice(i, i + 5));
    expect(got).toEqual([
      { id: '7', type: 'CodePipeline Stage Execution State Change', data: '{"a":1}' },
      { id: '8', type: 'x', data: 'line1\nline2' },
    ]);
    expect(parser.lastEventId).toBe('8');
    expect(parser.retryMillis).toBe(1000);
  });

  test('an event without its closing blank line is not dispatched yet', () => {
    const got: StreamEvent[] = [];
    const parser = new SseParser((e) => got.push(e));
    parser.push('id: 1\ndata: {}\n');
    expect(got).toEqual([]);
    parser.push('\n');
    expect(got).toEqual([{ id: '1', type: 'message', data: '{}' }]);
  });

  test('refreshes asked for while one runs coalesce into one more run', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const refresh = coalesced(() => { runs++; return new Promise<void>((r) => { release = r; }); });
    refresh();
    refresh();
    refresh();
    expect(runs).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
  });

  test('a view re-reads on a timer while, and only while, it shows a rule in progress', () => {
    vi.useFakeTimers();
    try {
      let rules = [{ status: 'Succeeded' }, { status: 'InProgress' }] as any[];
      let reads = 0;
      const recheck = recheckWhile(() => anyRuleInProgress(rules), () => { reads++; recheck.afterRead(); }, 3000);
      recheck.afterRead();
      vi.advanceTimersByTime(2999);
      expect(reads).toBe(0);
      vi.advanceTimersByTime(1);
      expect(reads).toBe(1);
      recheck.afterRead(); // a read caused by an event re-arms the timer rather than adding a second one
      vi.advanceTimersByTime(3000);
      expect(reads).toBe(2);
      rules = [{ status: 'Succeeded' }, { status: 'Failed' }];
      vi.advanceTimersByTime(3000);
      expect(reads).toBe(3);
      vi.advanceTimersByTime(30_000);
      expect(reads).toBe(3);
      rules = [{ status: 'InProgress' }];
      recheck.afterRead();
      recheck.stop();
      vi.advanceTimersByTime(30_000);
      expect(reads).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('moving actions', () => {
  const action = (name: string, runOrder: number, extra: object = {}) => ({ name, actionTypeId: commands, runOrder, ...extra });
  const declaration = () => pipeline([
    { name: 'Source', actions: [action('Source', 1, { outputArtifacts: [{ name: 'Src' }] })] },
    { name: 'Build', actions: [action('Compile', 1, { inputArtifacts: [{ name: 'Src' }], outputArtifacts: [{ name: 'Bin' }] }), action('Lint', 1), action('Package', 2)] },
    { name: 'Ship', actions: [action('Deploy', 1, { inputArtifacts: [{ name: 'Bin' }] })] },
  ]);

  test('into another stage goes after the actions that run no later, and the flow check follows', () => {
    const p = declaration();
    expect(moveAction(p, 2, 0, 1, 1)).toBe('action-1-2');
    expect(p.stages[1].actions.map((a) => `${a.name}:${a.runOrder}`)).toEqual(['Compile:1', 'Lint:1', 'Deploy:1', 'Package:2']);
    expect(checkFlow(p)['action-1-2']).toEqual(['Input artifact Bin is produced later than this action runs']);
    expect(checkFlow(p)['stage-2']).toEqual(['A stage needs at least one action']);
    expect(moveAction(p, 1, 2, 1, 3)).toBe('action-1-3');
    expect(p.stages[1].actions.map((a) => `${a.name}:${a.runOrder}`)).toEqual(['Compile:1', 'Lint:1', 'Package:2', 'Deploy:3']);
    expect(checkFlow(p)['action-1-3']).toBeUndefined();
  });

  test('a drop lands in the stage under it, joining the runOrder column under it or starting one after the last', () => {
    const shape = shapeOf(declaration().stages);
    const layout = gridLayout(shape, 100);
    const build = layout.stages[1];
    const column = (s: number, a: number) => layout.stages[s].x + layout.actions[s][a].x + layout.actions[s][a].width / 2;
    expect(dropTarget(shape, layout, column(1, 0), { s: 2, a: 0 })).toEqual({ stage: 1, runOrder: 1 });
    expect(dropTarget(shape, layout, column(1, 2), { s: 2, a: 0 })).toEqual({ stage: 1, runOrder: 2 });
    expect(dropTarget(shape, layout, build.x + build.width + 10, { s: 2, a: 0 })).toEqual({ stage: 1, runOrder: 3 });
    // Package alone in its column: dragged from it, right of Compile's column is a new group 2.
    expect(dropTarget(shape, layout, column(1, 2), { s: 1, a: 2 })).toEqual({ stage: 1, runOrder: 2 });
    expect(dropTarget(shape, layout, column(0, 0), { s: 2, a: 0 })).toEqual({ stage: 0, runOrder: 1 });
    expect(dropTarget(shape, layout, -500)).toBeNull();
    expect(dropTarget(shape, layout, layout.width + 500)).toBeNull();
  });
});
