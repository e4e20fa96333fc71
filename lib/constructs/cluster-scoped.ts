import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Marks `obj` cluster-scoped: cdk8s gives every object the namespace of its chart, which a
 * cluster-scoped object must not carry (the API server refuses it); it is removed again.
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
