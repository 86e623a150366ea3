import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    sqldUrl: string;
    /** An sqld with namespaces enabled (the data-branch tests); `url` reaches its `default` namespace. */
    namespacedSqld: { url: string; adminUrl: string };
    workflowBundlePath: string;
  }
}
