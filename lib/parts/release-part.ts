import type { ReleaseContext } from '../conventions/names';

/**
 * A part's props as the `VirtRigaud` construct hands them to the part's construct: parsed and
 * defaulted with the release's values and checked with the release. The construct takes them as
 * they are (a second parse returns equal values but costs about 0.25 ms per provider) and
 * registers no checks of its own. Only `VirtRigaud` makes one.
 */
export class ReleasePart<P = unknown> {
  /** Nominal: no other object passes for one (the published declarations keep only this). */
  readonly #part = true;
  /** @internal */
  public readonly parsed: P;

  private constructor(parsed: P) {
    this.parsed = parsed;
  }

  /** @internal */
  static of<P>(parsed: P): ReleasePart<P> {
    return new ReleasePart(parsed);
  }

  /** @internal Whether `x` is one (a brand check, as `instanceof`). */
  static is(x: unknown): x is ReleasePart<unknown> {
    return typeof x === 'object' && x !== null && #part in x;
  }
}

/**
 * Props `P` after parsing: a full `context`, and the keys of `V` with their parsed types. The
 * parts' constructors take a plain `ReleasePart` in their published signatures: these types name
 * the values' zod-inferred types, which a user's app must not have to compile.
 */
export type ParsedProps<P, V = unknown> = Omit<P, 'context' | keyof V> & { readonly context: ReleaseContext } & V;

/**
 * The props a part's construct builds from: the release's as they are, else `parse(props)`, after
 * which `check` registers the part's own checks (a construct used on its own).
 */
export function partProps<P, Q>(props: P | ReleasePart, parse: (props: P) => Q, check: (parsed: Q) => void): Q {
  if (ReleasePart.is(props)) return (props as ReleasePart<Q>).parsed;
  const parsed = parse(props as P);
  check(parsed);
  return parsed;
}
