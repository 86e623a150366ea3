// Search what the swarm learned, then print a branch's quality over time.
//   node bin/run-ts.js client/examples/memories-and-quality.ts <repo> [branch]
import { openSwarm } from '../api/index.js';

const [repo = '.', branch = 'main'] = process.argv.slice(2);
const swarm = await openSwarm();
try {
  // By text (embedded with the configured embedder), or by vector: { embedding: [...], limit, threshold }.
  const hits = await swarm.memories.vectorSearch({ text: 'add a function with a test', limit: 5, threshold: 0.1 });
  console.log(`${hits.length} memories:`);
  for (const hit of hits)
    console.log(`  ${hit.similarity.toFixed(2)} ${hit.memory.type}: ${hit.memory.content.split('\n')[0]}`);

  console.log(`quality of ${branch}:`);
  for (const snapshot of await swarm.quality.trend({ repo, branch })) {
    const checks = snapshot.snapshot.checks.map((c) => `${c.name} ${c.passed ? 'pass' : 'FAIL'}`).join(', ');
    console.log(`  ${snapshot.createdAt} ${snapshot.kind} ${snapshot.commitSha?.slice(0, 8) ?? ''} ${checks}`);
  }
} finally {
  await swarm.close();
}
