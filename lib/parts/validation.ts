import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { formatPath, formatProblem } from '../values/errors';
import type { PartIssue } from '../values/schema';

/**
 * Lint's findings of the objects under `scope`, one message each (`cdk8s synth` prints them).
 * `skip`: checks that need objects a construct used on its own does not hold.
 */
export function lintFindings(scope: Construct, skip: readonly string[] = []): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lintManifests } = require('../lint/lint') as typeof import('../lint/lint');
  const objects = scope.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as Record<string, unknown>);
  return lintManifests(objects)
    .filter((f) => !skip.includes(f.check))
    .map((f) => `${f.object}: ${f.message} (${f.check})`);
}

/**
 * Registers on a construct used on its own (see `partProps`: `VirtRigaud` checks the release as a
 * whole) what the CLI checks of its part: `issues`, the release's rules of its values (key paths
 * under `key`, messages as the CLI prints them), and lint's checks of its objects.
 */
export function addPartValidation(scope: Construct, options: { readonly key?: readonly PropertyKey[]; readonly issues?: () => readonly PartIssue[]; readonly skipLint?: readonly string[] } = {}): void {
  const { key = [], issues = () => [], skipLint = [] } = options;
  scope.node.addValidation({
    validate: () => {
      // Bad values stop the CLI before it renders: lint's findings of their objects only follow.
      const found = issues().map((i) => formatProblem({ path: formatPath([...key, ...i.path]), message: i.message }));
      return found.length > 0 ? found : lintFindings(scope, skipLint);
    },
  });
}
