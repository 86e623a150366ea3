import type { Regression } from './comparison.js';
import type { QualityPolicy } from './policy.js';

/** A file the change adds or modifies, as the landing would bring it in. */
export interface ChangedFile {
  path: string;
  bytes: number;
  binary: boolean;
}

type Found = Omit<Extract<Regression, { rule: 'fileRefused' }>, 'severity'>;

const extensionOf = (file: string) => {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
};

function binaryAllowed(file: string, policy: QualityPolicy): boolean {
  if (policy.binaryFiles === 'allow') return true;
  if (policy.binaryFiles === 'refuse') return false;
  return policy.binaryFiles.map((e) => e.toLowerCase()).includes(extensionOf(file));
}

/** Changed files over the size limit, or binary where the repository's policy does not allow them. */
export function refusedFiles(files: readonly ChangedFile[], policy: QualityPolicy): Found[] {
  return files.flatMap((f): Found[] => {
    if (f.bytes > policy.maxFileBytes) {
      return [
        {
          rule: 'fileRefused',
          check: 'files',
          file: f.path,
          reason: 'tooLarge',
          bytes: f.bytes,
          message: `${f.path} is ${f.bytes} bytes, over the ${policy.maxFileBytes}-byte limit`,
        },
      ];
    }
    if (f.binary && !binaryAllowed(f.path, policy)) {
      return [
        {
          rule: 'fileRefused',
          check: 'files',
          file: f.path,
          reason: 'binary',
          bytes: f.bytes,
          message: `${f.path} is a binary file, which this repository does not accept (quality.binaryFiles)`,
        },
      ];
    }
    return [];
  });
}
