/** Workflow definitions the runtime tests share. */
export function definition(nodes: unknown[], edges: unknown[] = []) {
  return { nodes: [{ id: 'start', type: 'trigger:manual' }, ...nodes], edges };
}

/** start -> a -> b -> ... in a line. */
export function chain(...nodes: { id: string; type: string; config?: unknown; retry?: unknown }[]) {
  const ids = ['start', ...nodes.map((n) => n.id)];
  return definition(
    nodes,
    ids.slice(1).map((id, i) => ({ source: ids[i], target: id })),
  );
}
