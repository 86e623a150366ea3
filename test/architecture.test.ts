import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph, roomGraph, roomOf, type ImportEdge } from './helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The project's rooms: the top-level directories of its own source. Tests and benchmarks are not rooms. */
const ROOMS = [
  'workflows',
  'activities',
  'agent',
  'models',
  'quality',
  'memory',
  'db',
  'workspace',
  'process',
  'tasks',
  'config',
  'errors',
  'secrets',
  'workers',
  'client',
];
const NOT_ROOMS = ['node_modules', 'test', 'bench', 'dist'];

/**
 * What db/ may reach, directly or through what it imports: itself, the plain config and task types,
 * and leaf modules of other rooms that import no further than this list. The transcript type comes
 * from models/messages.ts; the quality snapshot and comparison schemas are stored as they are.
 */
const DB_MAY_REACH_ROOMS = ['db', 'config', 'tasks', 'errors', 'secrets'];
const DB_MAY_REACH_FILES = ['models/messages.ts', 'quality/comparison.ts', 'quality/snapshot.ts'];

/**
 * Room-level imports left out of the cycle check, each with the refactor that is to remove it.
 * Empty: the rooms form no cycle. Add an entry only for a cycle another branch owns, and remove it at merge.
 */
const TOLERATED_ROOM_EDGES: Array<{ from: string; to: string; until: string }> = [];

const { files, edges } = readImportGraph(ROOT, NOT_ROOMS);
const describeEdge = (edge: ImportEdge) => `${edge.from} imports ${edge.to}`;

describe('architecture: the import graph of the project source', () => {
  it('knows every top-level source directory as a room', () => {
    expect([...new Set(files.map(roomOf))].filter((room) => !ROOMS.includes(room))).toEqual([]);
  });

  it('has models/ depend on nothing in agent/ (agent uses models, never the other way)', () => {
    const violations = edges.filter((e) => roomOf(e.from) === 'models' && roomOf(e.to) === 'agent').map(describeEdge);
    expect(violations, 'models/ must not import agent/').toEqual([]);
  });

  it(`has db/ reach only ${[...DB_MAY_REACH_ROOMS.map((r) => `${r}/`), ...DB_MAY_REACH_FILES].join(', ')}`, () => {
    const allowed = (file: string) => DB_MAY_REACH_ROOMS.includes(roomOf(file)) || DB_MAY_REACH_FILES.includes(file);
    const importsOf = (file: string) => edges.filter((e) => e.from === file);
    // Walk from every db/ file, remembering how each file was reached.
    const reachedVia = new Map<string, ImportEdge | null>(
      files.filter((f) => roomOf(f) === 'db').map((f) => [f, null]),
    );
    const queue = [...reachedVia.keys()];
    while (queue.length > 0) {
      for (const edge of importsOf(queue.shift()!)) {
        if (reachedVia.has(edge.to)) continue;
        reachedVia.set(edge.to, edge);
        if (allowed(edge.to)) queue.push(edge.to);
      }
    }
    const chainTo = (file: string): string[] => {
      const edge = reachedVia.get(file);
      return edge ? [...chainTo(edge.from), file] : [file];
    };
    const violations = [...reachedVia.keys()]
      .filter((file) => !allowed(file))
      .map((file) => chainTo(file).join(' -> '));
    expect(violations, 'db/ reaches files outside its allowed imports').toEqual([]);
  });

  it('has no cycle between rooms', () => {
    const tolerated = (e: ImportEdge) =>
      TOLERATED_ROOM_EDGES.some((t) => t.from === roomOf(e.from) && t.to === roomOf(e.to));
    const graph = roomGraph(edges.filter((e) => !tolerated(e)));
    const cycles = findCycles(graph).map((cycle) => {
      const steps = cycle
        .slice(1)
        .map((to, i) => `  ${cycle[i]} -> ${to}: ${describeEdge(graph.get(cycle[i]!)!.get(to)!)}`);
      return [`room cycle ${cycle.join(' -> ')}`, ...steps].join('\n');
    });
    expect(cycles.join('\n'), 'rooms must depend on each other one way only').toBe('');
  });

  it('keeps its list of tolerated room imports free of entries no import needs', () => {
    const stale = TOLERATED_ROOM_EDGES.filter(
      (t) => !edges.some((e) => roomOf(e.from) === t.from && roomOf(e.to) === t.to),
    );
    expect(stale).toEqual([]);
  });
});
