import { writeBlock } from './fixture-repo.js';

interface Planned {
  key: string;
  dependsOn?: string[];
  edits?: boolean;
  priority?: string;
}

/** A goal the local planner answers with: each task writes its own module (or nothing, and fails). */
export function planGoal(tasks: Planned[], extraBlocks: string[] = []): string {
  const plan = {
    tasks: tasks.map((t) => ({
      key: t.key,
      title: `Add ${t.key}`,
      description:
        t.edits === false
          ? 'nothing to do'
          : writeBlock(`src/${t.key}.js`, `export const ${t.key.replace(/-/g, '_')} = 1;`),
      priority: t.priority ?? 'medium',
      dependsOn: t.dependsOn ?? [],
    })),
  };
  return ['Build the thing.', ...extraBlocks, '```plan', JSON.stringify(plan), '```'].join('\n');
}
