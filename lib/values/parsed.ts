import type { Values } from './schema';

/**
 * Values that `parseValues` returned, handed on as they are: the renderer gives them to the
 * `VirtRigaud` construct in this wrapper, which then uses them without parsing them again
 * (a second parse returns equal values but costs about 0.25 ms per provider) and without
 * adding the cdk8s validation that the renderer runs itself.
 */
export class ParsedValues {
  /** Nominal: no other object passes for one (the published declarations keep only this). */
  readonly #parsed = true;
  /** @internal */
  public readonly values: Values;

  /** @internal */
  constructor(values: Values) {
    this.values = values;
  }

  /** @internal Whether `x` is one (a brand check, as `instanceof`). */
  static is(x: unknown): x is ParsedValues {
    return typeof x === 'object' && x !== null && #parsed in x;
  }
}
