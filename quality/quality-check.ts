import type { CheckKind, ReportFormat } from './snapshot.js';

/** One command of the quality gate, run in the worktree with `node_modules/.bin` on its PATH. */
export interface QualityCheck {
  name: string;
  kind: CheckKind;
  format: ReportFormat;
  /** The command line without reporter arguments; those are added according to `format`. */
  command: string;
  /** Ask the tool for a coverage summary too (vitest-json, jest-json, node-test). */
  coverage: boolean;
  /** Steps of the script that run after the tool (`&&`), without reporter arguments; their exit codes count. */
  after?: string;
}

/** The kind a structured report implies; `exit-code` checks may be of any kind. */
export const KIND_OF_FORMAT: Record<ReportFormat, CheckKind | null> = {
  'eslint-json': 'lint',
  tsc: 'typecheck',
  'vitest-json': 'test',
  'jest-json': 'test',
  'node-test': 'test',
  tap: 'test',
  junit: 'test',
  uvu: 'test',
  'exit-code': null,
};
