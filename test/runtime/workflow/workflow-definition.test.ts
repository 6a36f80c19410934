import { STEP_TYPES } from '../../../lib/catalog/step-types';
import { NODE_CONFIG_SCHEMAS, parseWorkflowDefinition } from '../../../lib/runtime/workflow/workflow-definition';
import { topologicalOrder } from '../../../lib/runtime/workflow/workflow-graph';

const trigger = { id: 't', type: 'trigger:manual' };

function problems(input: unknown): readonly string[] {
  const result = parseWorkflowDefinition(input);
  if (result.ok) throw new Error('expected the definition to be rejected');
  return result.problems;
}

describe('parseWorkflowDefinition', () => {
  it('knows exactly the catalog step types', () => {
    expect(Object.keys(NODE_CONFIG_SCHEMAS).sort()).toEqual([...STEP_TYPES].sort());
  });

  it('accepts a definition using every node type, retries and condition branches', () => {
    const result = parseWorkflowDefinition({
      nodes: [
        trigger,
        { id: 'fetch', type: 'action:http', config: { method: 'POST', url: 'https://example.com/x', headers: { a: 'b' }, body: { x: 1 }, timeoutMs: 500 }, retry: { maxAttempts: 3, backoffMs: 10 } },
        { id: 'shape', type: 'action:transform', config: { expression: '{"v": steps.fetch.body}' } },
        { id: 'check', type: 'control:condition', config: { expression: 'input.n > 1' } },
        { id: 'wait', type: 'control:delay', config: { ms: 5 } },
      ],
      edges: [
        { source: 't', target: 'fetch' },
        { source: 'fetch', target: 'shape' },
        { source: 'shape', target: 'check' },
        { source: 'check', target: 'wait', branch: 'true' },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it.each([
    ['no nodes', { nodes: [], edges: [] }, 'definition.nodes: must contain at least the trigger node'],
    ['an unknown node type', { nodes: [trigger, { id: 'x', type: 'http' }], edges: [{ source: 't', target: 'x' }] }, 'definition.nodes[1].type: must be one of trigger:manual, action:http'],
    ['duplicate node ids', { nodes: [trigger, { id: 't', type: 'control:delay', config: { ms: 1 } }], edges: [] }, '"t" is used by more than one node'],
    ['no trigger', { nodes: [{ id: 'd', type: 'control:delay', config: { ms: 1 } }], edges: [] }, 'exactly one trigger:manual node, found 0'],
    ['two triggers', { nodes: [trigger, { id: 't2', type: 'trigger:manual' }], edges: [] }, 'exactly one trigger:manual node, found 2'],
    ['an edge to a missing node', { nodes: [trigger], edges: [{ source: 't', target: 'ghost' }] }, 'definition.edges[0].target: no node has id "ghost"'],
    ['a cycle', { nodes: [trigger, { id: 'a', type: 'control:delay', config: { ms: 1 } }, { id: 'b', type: 'control:delay', config: { ms: 1 } }], edges: [{ source: 't', target: 'a' }, { source: 'a', target: 'b' }, { source: 'b', target: 'a' }] }, 'the graph has a cycle (a -> b -> a)'],
    ['an unreachable node', { nodes: [trigger, { id: 'a', type: 'control:delay', config: { ms: 1 } }], edges: [] }, '"a" is not reachable from the trigger'],
    ['a condition edge without branch', { nodes: [trigger, { id: 'c', type: 'control:condition', config: { expression: 'true' } }, { id: 'a', type: 'control:delay', config: { ms: 1 } }], edges: [{ source: 't', target: 'c' }, { source: 'c', target: 'a' }] }, 'need "branch": "true" or "false"'],
    ['a branch on a plain edge', { nodes: [trigger, { id: 'a', type: 'control:delay', config: { ms: 1 } }], edges: [{ source: 't', target: 'a', branch: 'true' }] }, 'only edges leaving a control:condition node carry a branch'],
    ['an http URL that is not http(s)', { nodes: [trigger, { id: 'h', type: 'action:http', config: { method: 'GET', url: 'file:///etc/passwd' } }], edges: [{ source: 't', target: 'h' }] }, 'definition.nodes[1].config.url: must be an absolute http:// or https:// URL'],
    ['an invalid JSONata expression', { nodes: [trigger, { id: 'x', type: 'action:transform', config: { expression: '{{' } }], edges: [{ source: 't', target: 'x' }] }, 'is not a valid JSONata expression'],
    ['an unbounded delay', { nodes: [trigger, { id: 'd', type: 'control:delay', config: { ms: 86_400_000 } }], edges: [{ source: 't', target: 'd' }] }, 'definition.nodes[1].config.ms'],
    ['a retry with too many attempts', { nodes: [trigger, { id: 'd', type: 'control:delay', config: { ms: 1 }, retry: { maxAttempts: 1000, backoffMs: 1 } }], edges: [{ source: 't', target: 'd' }] }, 'definition.nodes[1].retry.maxAttempts'],
    ['not an object', 'hello', 'definition: '],
  ])('rejects %s and says what is wrong', (_name, input, expected) => {
    expect(problems(input).join('\n')).toContain(expected);
  });
});

describe('topologicalOrder', () => {
  it('puts every node after its dependencies, ties in edge order', () => {
    const graph = {
      nodes: [{ id: 't' }, { id: 'b' }, { id: 'a' }, { id: 'join' }],
      edges: [
        { source: 't', target: 'a' },
        { source: 't', target: 'b' },
        { source: 'a', target: 'join' },
        { source: 'b', target: 'join' },
      ],
    };
    expect(topologicalOrder(graph)).toEqual(['t', 'a', 'b', 'join']);
  });
});
