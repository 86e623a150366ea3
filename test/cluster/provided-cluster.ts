import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The state directory of the cluster scripts/cluster.sh runs for the suite. */
    clusterDir: string;
  }
}
