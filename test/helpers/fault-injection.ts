import type { Store } from '../../db/index.js';

type Repository = 'agentTurns' | 'attempts' | 'branches' | 'checkRuns';

/** A fault failOnce injected, to tell it from a real one. */
export class InjectedFault extends Error {
  override name = 'InjectedFault';
}

/**
 * The real store, except that `repository.method` fails once, on the first call whose first argument
 * `when` picks: `before` its write (the database write failed) or `after` it (the write happened, the
 * step's completion was then lost). Every other call goes to the real repository. `fired` gets
 * `repository.method` when the fault is injected, so a test can tell that it was.
 */
export function failOnce<R extends Repository>(
  store: Store,
  repository: R,
  method: keyof Store[R] & string,
  when: (arg: never) => boolean,
  timing: 'before' | 'after',
  fired: string[] = [],
): Store {
  const real = store[repository] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  let injected = false;
  const fault = () => new InjectedFault(`injected: ${repository}.${method} failed ${timing} its write`);
  const wrapped = {
    ...real,
    [method]: async (...args: unknown[]) => {
      const fail = !injected && (when as (arg: unknown) => boolean)(args[0]);
      if (fail) {
        injected = true;
        fired.push(`${repository}.${method}`);
      }
      if (fail && timing === 'before') throw fault();
      const out = await real[method]!(...args);
      if (fail) throw fault();
      return out;
    },
  };
  return { ...store, [repository]: wrapped };
}
