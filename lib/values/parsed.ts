import type { Values } from './schema';

/** Values objects that `parseValues` has just returned and nothing can have changed since. */
const trusted = new WeakSet<object>();

/**
 * Runs `fn` with `values` (the result of `parseValues`) marked as parsed, so that the
 * `VirtRigaud` construct built inside uses it as is instead of parsing it again (parsing is
 * idempotent: a second parse returns equal values). The mark ends with `fn`.
 */
export function withParsedValues<T>(values: Values, fn: () => T): T {
  trusted.add(values);
  try {
    return fn();
  } finally {
    trusted.delete(values);
  }
}

/** Whether `props` are values marked by {@link withParsedValues}. */
export function isParsedValues(props: unknown): props is Values {
  return typeof props === 'object' && props !== null && trusted.has(props);
}
