import { z } from 'zod';
import type { SwarmConfig } from '../../config/config.js';
import type { DataBranchStores } from '../../data-branches/data-branch-stores.js';
import type { Store } from '../../db/index.js';
import type { ListQuery, MemoryInput, MemoryStore, SearchQuery } from '../../memory/index.js';
import { openMemory } from '../../memory/open-memory.js';
import { dataBranchName } from '../../tasks/data-branch-name.js';
import { qualitySnapshotSchema } from '../../quality/snapshot.js';
import { repoAndBranch, setBaseline as measureBaseline } from '../quality-commands.js';
import { parseInput } from './parse-input.js';

type Env = Record<string, string | undefined>;

/** Which data an operation reads or writes: a data branch's, or (absent) the main data. */
const onSchema = z.object({ dataBranch: dataBranchName.optional() }).strict();
export type OnDataBranch = z.input<typeof onSchema>;

const baselineSchema = z
  .object({
    repo: z.string().min(1),
    branch: z.string().min(1).optional(),
    /** A snapshot measured elsewhere; without it the repository's checks run (sandboxed) at the branch's head. */
    snapshot: qualitySnapshotSchema.optional(),
  })
  .strict();
const branchRefSchema = z.object({ repo: z.string().min(1), branch: z.string().min(1).optional() }).strict();
const trendSchema = branchRefSchema.extend({ limit: z.number().int().min(1).max(1000).default(50) });

/** Memories and quality over the store of the main data or of a data branch. */
export function dataApi(config: SwarmConfig, data: DataBranchStores, env: Env) {
  const memories = new Map<Store, Promise<MemoryStore>>();
  const storeOn = async (on: OnDataBranch | undefined): Promise<Store> => {
    const { dataBranch } = parseInput(onSchema, on ?? {}, 'data branch option');
    return dataBranch ? data.forBranch(dataBranch) : data.main;
  };
  const memoryOn = async (on: OnDataBranch | undefined): Promise<MemoryStore> => {
    const store = await storeOn(on);
    let memory = memories.get(store);
    if (!memory) {
      memory = openMemory(config, store, env);
      memories.set(store, memory);
    }
    return memory;
  };

  return {
    /** The shared memory: validated, redacted, embedded, de-duplicated (memory/memory-store.ts). */
    memories: {
      store: async (input: MemoryInput, on?: OnDataBranch) => (await memoryOn(on)).store(input),
      /** `{ embedding | text, limit, threshold, type, branch }`: the nearest live memories, most similar first. */
      vectorSearch: async (query: SearchQuery, on?: OnDataBranch) => (await memoryOn(on)).vectorSearch(query),
      list: async (query: ListQuery = {}, on?: OnDataBranch) => (await memoryOn(on)).list(query),
    },
    /** Quality baselines per git branch, and a branch's quality over time. */
    quality: {
      async setBaseline(input: z.input<typeof baselineSchema>, on?: OnDataBranch) {
        const { repo, branch, snapshot } = parseInput(baselineSchema, input, 'baseline');
        const store = await storeOn(on);
        if (!snapshot) return measureBaseline(config, store, { repo, branch }, env);
        const ref = await repoAndBranch(repo, branch, config, env);
        await store.quality.setBaseline({ repo: ref.repo, branch: ref.branch, commitSha: ref.sha, snapshot });
        return (await store.quality.getBaseline(ref.repo, ref.branch))!;
      },
      async getBaseline(input: z.input<typeof branchRefSchema>, on?: OnDataBranch) {
        const { repo, branch } = parseInput(branchRefSchema, input, 'baseline query');
        const ref = await repoAndBranch(repo, branch, config, env);
        return (await storeOn(on)).quality.getBaseline(ref.repo, ref.branch);
      },
      /** The branch's snapshots oldest first, each with whether its checks passed. */
      async trend(input: z.input<typeof trendSchema>, on?: OnDataBranch) {
        const { repo, branch, limit } = parseInput(trendSchema, input, 'trend query');
        const ref = await repoAndBranch(repo, branch, config, env);
        return (await storeOn(on)).quality.listForBranch(ref.repo, ref.branch, limit);
      },
    },
  };
}
