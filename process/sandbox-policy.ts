import {
  DEFAULT_SANDBOX_LIMITS,
  sandboxKindSchema,
  sandboxLimitsSchema,
  type SandboxKind,
  type SandboxLimits,
} from '../config/sandbox-config.js';

export { DEFAULT_SANDBOX_LIMITS, sandboxKindSchema, sandboxLimitsSchema, type SandboxKind, type SandboxLimits };

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
