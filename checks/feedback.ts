import type { CheckRun } from '../db/check-runs-repository.js';

const OUTPUT_TAIL_BYTES = 6_000;

function tail(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  return '…' + Buffer.from(text).subarray(-bytes).toString('utf8');
}

function describe(run: CheckRun): string {
  if (run.timedOut) return `timed out after ${(run.durationMs / 1000).toFixed(1)}s`;
  if (run.exitCode === null) return 'was killed';
  return `exited with code ${run.exitCode} after ${(run.durationMs / 1000).toFixed(1)}s`;
}

/** The text the next attempt's agent reads: each failed check, its command, and the end of its output. */
export function checksFeedback(failed: CheckRun[]): string {
  return failed
    .map((run) => `### Check "${run.name}" failed\n\`${run.command}\` ${describe(run)}. Output (end):\n\n\`\`\`\n${tail(run.output.trim(), OUTPUT_TAIL_BYTES)}\n\`\`\``)
    .join('\n\n');
}

export function checksSummary(runs: CheckRun[]): string {
  if (runs.length === 0) return 'no checks configured';
  return runs.map((r) => `${r.name} ${r.passed ? 'passed' : 'FAILED'}`).join(', ');
}
