import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { z } from 'zod';
import { problemsFromIssues } from '../values/parse';
import { ValuesError } from '../values/errors';

/**
 * The props of a construct used on its own, after defaults: `input` parsed with the schema of the
 * values key `key`; invalid input throws a `ValuesError` naming each bad key, as values files do.
 */
export function parsePart<S extends z.ZodType>(schema: S, input: unknown, key: readonly PropertyKey[]): z.output<S> {
  const result = schema.safeParse(input, { jitless: true });
  if (!result.success) throw new ValuesError(problemsFromIssues(result.error.issues.map((i) => ({ ...i, path: [...key, ...i.path] }))));
  return result.data;
}

/** The namespace of the chart `scope` is in, if any. */
export function chartNamespace(scope: IConstruct): string | undefined {
  return scope.node.scopes.map((s) => (Chart.isChart(s) ? s.namespace : undefined)).reverse().find((ns) => ns !== undefined);
}
