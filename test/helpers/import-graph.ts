import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import of one project file by another, both as paths relative to the project root ("agent/run-turn.ts"). */
export interface ImportEdge {
  from: string;
  to: string;
}

/** A file's room: its top-level directory ("agent" for "agent/run-turn.ts"). */
export const roomOf = (file: string) => file.split('/')[0]!;

function sourceFiles(dir: string, root: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, root);
    return entry.name.endsWith('.ts') ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** The project file a relative specifier names: "./x.js" is the source file "./x.ts". */
function resolveSpecifier(root: string, from: string, specifier: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const asTs = target.replace(/\.js$/, '.ts');
  return existsSync(path.join(root, asTs)) ? asTs : target;
}

/**
 * Every relative import (static, `import type`, `export ... from` and dynamic `import()`) between the
 * .ts files under `root`'s top-level directories, except those in `excludedDirs`.
 */
export function readImportGraph(
  root: string,
  excludedDirs: readonly string[],
): { files: string[]; edges: ImportEdge[] } {
  const dirs = readdirSync(root, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && !e.name.startsWith('.') && !excludedDirs.includes(e.name),
  );
  const files = dirs.flatMap((dir) => sourceFiles(path.join(root, dir.name), root)).sort();
  const edges = files.flatMap((from) =>
    ts
      .preProcessFile(readFileSync(path.join(root, from), 'utf8'), true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => ({ from, to: resolveSpecifier(root, from, specifier) })),
  );
  return { files, edges };
}

/** Room-level edges, each with one file import that makes it. */
export function roomGraph(edges: readonly ImportEdge[]): Map<string, Map<string, ImportEdge>> {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const edge of edges) {
    const [from, to] = [roomOf(edge.from), roomOf(edge.to)];
    if (from === to) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, edge);
  }
  return graph;
}

/** Cycles of a directed graph: through each node on one, the shortest, as its node path ending where it starts. */
export function findCycles(graph: Map<string, Map<string, unknown>>): string[][] {
  const nodes = [
    ...new Set([...graph.keys(), ...[...graph.values()].flatMap((targets) => [...targets.keys()])]),
  ].sort();
  const next = (node: string) => [...(graph.get(node)?.keys() ?? [])].sort();
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next(node)) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);

  // Through each room of a component, its shortest cycle, each cycle named once (from its smallest room).
  const shortestCycleThrough = (start: string, inside: Set<string>): string[] => {
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const node = queue.shift()!;
      for (const target of next(node).filter((t) => inside.has(t))) {
        if (target === start) {
          const cycle = [node];
          while (cycle[0] !== start) cycle.unshift(cameFrom.get(cycle[0]!)!);
          return [...cycle, start];
        }
        if (!cameFrom.has(target)) {
          cameFrom.set(target, node);
          queue.push(target);
        }
      }
    }
    return [start, start];
  };
  const fromSmallest = (cycle: string[]) => {
    const ring = cycle.slice(0, -1);
    const at = ring.indexOf([...ring].sort()[0]!);
    const rotated = [...ring.slice(at), ...ring.slice(0, at)];
    return [...rotated, rotated[0]!];
  };
  const cycles = new Map<string, string[]>();
  for (const component of components) {
    for (const room of component) {
      const cycle = fromSmallest(shortestCycleThrough(room, new Set(component)));
      cycles.set(cycle.join(' -> '), cycle);
    }
  }
  return [...cycles.values()];
}
