import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    sqldUrl: string;
    workflowBundlePath: string;
  }
}
