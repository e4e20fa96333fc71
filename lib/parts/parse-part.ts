import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { z } from 'zod';
import { problemsFromIssues } from '../values/parse';
import { ValuesError } from '../values/errors';

/** Parts of values the `VirtRigaud` construct has parsed already (no second parse on the render path). */
const parsed = new WeakSet<object>();

/** Marks `part` (a piece of `parseValues`' result) as parsed; returns it. */
export function markParsed<T>(part: T): T {
  if (typeof part === 'object' && part !== null) parsed.add(part);
  return part;
}

/** Whether `part` was marked by {@link markParsed}. */
export function isParsed(part: unknown): boolean {
  return typeof part === 'object' && part !== null && parsed.has(part);
}

/**
 * The props of a construct used on its own, after defaults: `input` parsed with the schema of the
 * values key `key`; invalid input throws a `ValuesError` naming each bad key, as values files do.
 */
export function parsePart<S extends z.ZodType>(schema: S, input: unknown, key: readonly PropertyKey[]): z.output<S> {
  if (isParsed(input)) return input as z.output<S>;
  const result = schema.safeParse(input, { jitless: true });
  if (!result.success) throw new ValuesError(problemsFromIssues(result.error.issues.map((i) => ({ ...i, path: [...key, ...i.path] }))));
  return result.data;
}

/** The namespace of the chart `scope` is in, if any. */
export function chartNamespace(scope: IConstruct): string | undefined {
  return scope.node.scopes.map((s) => (Chart.isChart(s) ? s.namespace : undefined)).reverse().find((ns) => ns !== undefined);
}
