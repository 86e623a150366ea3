/** Where a `swarm` run writes and what it reads from its surroundings; in-process tests pass their own. */
export interface CliIo {
  /** Writes text as is to standard output (commander's help goes here too). */
  writeOut(text: string): void;
  /** Writes text as is to standard error. */
  writeErr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}
