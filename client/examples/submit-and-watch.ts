// Submit three tasks and watch each one to the end.
//   node bin/run-ts.js client/examples/submit-and-watch.ts <repo>
// Needs Temporal and a worker (`npm run swarm -- start`). The quick start's `local` model writes the
// files of the ```write``` blocks in a task's description; a real model reads the prose instead.
import { openSwarm } from '../api/index.js';

const repo = process.argv[2] ?? '.';
const module = (name: string, body: string) =>
  [`Add src/${name}.js.`, '```write src/' + name + '.js', body, '```'].join('\n');

const swarm = await openSwarm(); // configured from the environment, like the CLI
try {
  const tasks = await Promise.all(
    [
      { title: 'Add a square function', description: module('square', 'export const square = (x) => x * x;') },
      { title: 'Add a cube function', description: module('cube', 'export const cube = (x) => x * x * x;') },
      { title: 'Add a negate function', description: module('negate', 'export const negate = (x) => -x;') },
    ].map((spec) => swarm.tasks.create({ ...spec, repo, priority: 'medium', requiredSkills: ['javascript'] })),
  );
  await Promise.all(
    tasks.map(async (task) => {
      for await (const change of swarm.tasks.watch(task.id)) {
        console.log(
          `${task.id} ${task.title}: ${change.status}${change.attempt ? ` (attempt ${change.attempt})` : ''}`,
        );
      }
    }),
  );
  for (const task of tasks) console.log(`${task.id} finished: ${(await swarm.tasks.get(task.id))?.status}`);
} finally {
  await swarm.close();
}
