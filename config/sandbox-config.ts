import { z } from 'zod';

/** `bubblewrap`: every agent command and check runs in a bwrap sandbox. `none`: unconfined, with the worker's privileges. */
export const sandboxKindSchema = z.enum(['bubblewrap', 'none']);
export type SandboxKind = z.infer<typeof sandboxKindSchema>;

/**
 * Resource limits, set with `prlimit` on the sandbox's command and inherited by everything it
 * starts. They are rlimits, so each one counts per process (CPU seconds, data size) or per user
 * (processes), never for the sandbox as a whole: there is no cgroup.
 */
export const sandboxLimitsSchema = z
  .object({
    /** RLIMIT_DATA per process (heap and other private writable memory). Not RLIMIT_AS: V8 reserves far more address space than it uses, and WebAssembly cannot start under any address-space limit. */
    memoryMb: z.number().int().min(64).max(1_048_576),
    /** RLIMIT_FSIZE: the largest file a process may write; a bigger write gets SIGXFSZ / EFBIG. */
    fileSizeMb: z.number().int().min(1).max(1_048_576),
    /** RLIMIT_CPU per process, in CPU seconds (the wall-clock timeout is separate). */
    cpuSeconds: z.number().int().min(1).max(31_536_000),
    /** RLIMIT_NOFILE per process. */
    openFiles: z.number().int().min(16).max(1_048_576),
    /** RLIMIT_NPROC. Counted per real user id across the whole host, and ignored for root. */
    processes: z.number().int().min(16).max(4_194_304),
  })
  .strict();
export type SandboxLimits = z.infer<typeof sandboxLimitsSchema>;

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryMb: 8_192,
  fileSizeMb: 1_024,
  cpuSeconds: 3_600,
  openFiles: 4_096,
  processes: 4_096,
};
