/**
 * Graph algorithms over a workflow definition: dependency (topological)
 * order, cycle detection and reachability. Small enough that a graph library
 * would add more than it saves.
 */
interface Graph {
  readonly nodes: readonly { readonly id: string }[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
}

function successors(graph: Graph): Map<string, string[]> {
  const next = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) next.get(edge.source)?.push(edge.target);
  return next;
}

/** Kahn's algorithm; ties follow node, then edge, declaration order, so runs are deterministic. Throws on a cycle. */
export function topologicalOrder(graph: Graph): string[] {
  const indegree = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  for (const edge of graph.edges) indegree.set(edge.target, (indegree.get(edge.target) ?? 0) + 1);
  const next = successors(graph);
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const target of next.get(id) ?? []) {
      const left = indegree.get(target)! - 1;
      indegree.set(target, left);
      if (left === 0) ready.push(target);
    }
  }
  if (order.length !== graph.nodes.length) throw new Error('workflow graph has a cycle');
  return order;
}

/** One cycle as a list of node ids (first repeated at the end), or undefined. */
export function findCycle(graph: Graph): string[] | undefined {
  const next = successors(graph);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const target of next.get(id) ?? []) {
      if (state.get(target) === 'visiting') return [...stack.slice(stack.indexOf(target)), target];
      if (!state.has(target)) {
        const found = visit(target);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of graph.nodes) {
    if (!state.has(node.id)) {
      const found = visit(node.id);
      if (found) return found;
    }
  }
  return undefined;
}

export function reachableFrom(graph: Graph, start: string): Set<string> {
  const next = successors(graph);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const target of next.get(queue.shift()!) ?? []) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}
