import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type Logger, type WorkflowBundleOption } from '@temporalio/worker';
import { COMPILED, PROJECT_ROOT } from '../config/project-root.js';

/** The workflow modules' entry point, as TypeScript source or as compiled JavaScript. */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index.${COMPILED ? 'js' : 'ts'}`, import.meta.url));

/** Written by `npm run build` (scripts/build.js) beside the compiled code it was bundled from. */
export const PREBUILT_BUNDLE_PATH = path.join(PROJECT_ROOT, 'dist/workflow-bundle.js');

/** Drops webpack's statistics (about 18 lines at every worker start); warnings and errors stay. */
function bundlerLogger(stats: boolean): Logger {
  const drop = () => {};
  return {
    log: (level, message, meta) =>
      level === 'ERROR' || level === 'WARN' ? console.error(message, meta ?? '') : undefined,
    trace: drop,
    debug: drop,
    info: stats ? (message) => console.log(message) : drop,
    warn: (message) => console.error(message),
    error: (message) => console.error(message),
  };
}

/**
 * The workflow code for a worker: the bundle `npm run build` prebuilt when this code runs compiled
 * (so starting a worker bundles nothing), otherwise bundled now from the sources (development).
 */
export async function workflowBundleForWorker(options: { stats?: boolean } = {}): Promise<WorkflowBundleOption> {
  if (COMPILED && existsSync(PREBUILT_BUNDLE_PATH)) return { codePath: PREBUILT_BUNDLE_PATH };
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: bundlerLogger(options.stats ?? false),
  });
  return { code };
}

/** Bundles the workflow code quietly (the build script and the test setup). */
export async function bundleWorkflows(): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: bundlerLogger(false) })).code;
}
