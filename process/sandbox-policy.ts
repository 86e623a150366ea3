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

/**
 * Everything one sandboxed command needs: a description, turned into a bwrap argv by the pure
 * `bubblewrapArgs`. All paths are absolute and real (symlinks resolved) on the host.
 */
export interface Sandbox {
  kind: SandboxKind;
  /** The task's worktree: bound writable at its own path, and where commands start. */
  worktree: string;
  /** Host directory mounted at /tmp inside (per task, kept between the task's commands). */
  scratchDir: string;
  /** Host directory that is HOME inside, bound writable at its own path (per task: caches, CLI config). */
  homeDir: string;
  /** Per-task directory holding scratchDir and homeDir; a place for files the worker hands in or reads back. */
  stateDir: string;
  /** Further host paths bound writable at their own path (e.g. a check's report directory). */
  writable: string[];
  /** Host paths bound read-only at their own path on top of hidden ones (e.g. the repository's `.git`). */
  readOnly: string[];
  /** Host directories covered by an empty tmpfs: the worker's HOME, SWARM_HOME, the user's working tree. */
  hidden: string[];
  /** Host network (and so also the host's 127.0.0.1 services) when true; otherwise only a private loopback. */
  network: boolean;
  /** The whole environment of the command; nothing else of the worker's reaches it. */
  env: Record<string, string>;
  /** Applied inside a bubblewrap sandbox only. */
  limits: SandboxLimits;
}
