import type { ReportFormat } from '../snapshot.js';
import { eslintJson } from './eslint-json.js';
import { exitCode } from './exit-code.js';
import type { FormatAdapter } from './format-adapter.js';
import { jestJson } from './jest-json.js';
import { nodeTest } from './node-test.js';
import { junit } from './junit.js';
import { tap } from './tap.js';
import { tsc } from './tsc.js';
import { uvu } from './uvu.js';
import { vitestJson } from './vitest-json.js';

export const FORMAT_ADAPTERS: Record<ReportFormat, FormatAdapter> = {
  'eslint-json': eslintJson,
  tsc,
  'vitest-json': vitestJson,
  'jest-json': jestJson,
  'node-test': nodeTest,
  tap,
  junit,
  uvu,
  'exit-code': exitCode,
};
