/**
 * Dependency graphs of tasks: pure functions over ids, free of dependencies so the plan workflow,
 * the client and the planner share them.
 */
export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

/** A cycle as a path that returns to its start (`a → b → a`), or null when the graph has none. */
export function findCycle(nodes: readonly GraphNode[]): string[] | null {
  const deps = new Map(nodes.map((n) => [n.id, n.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const node of nodes) {
    const cycle = visit(node.id);
    if (cycle) return cycle;
  }
  return null;
}

/** Every node that depends on `id`, directly or through others, in breadth-first order. */
export function transitiveDependents(nodes: readonly GraphNode[], id: string): string[] {
  const found: string[] = [];
  const queue = [id];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const node of nodes) {
      if (node.dependsOn.includes(current) && !found.includes(node.id)) {
        found.push(node.id);
        queue.push(node.id);
      }
    }
  }
  return found;
}

/** Depth of each node: 0 without dependencies, else one more than its deepest dependency (for tree printing). */
export function depths(nodes: readonly GraphNode[]): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const memo = new Map<string, number>();
  const depth = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, 0); // guards against cycles, which are refused elsewhere
    const deps = byId.get(id)?.dependsOn ?? [];
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
    memo.set(id, d);
    return d;
  };
  return new Map(nodes.map((n) => [n.id, depth(n.id)]));
}
