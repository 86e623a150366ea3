import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../../workspace/git.js';
import { EXAMPLE_REPO_FILES } from './repo-files.js';

/** (Re)creates the example git repository at `dir`, with one commit on `main`. */
export async function createExampleRepo(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  for (const [file, content] of Object.entries(EXAMPLE_REPO_FILES)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', 'Example project']);
  return dir;
}
