/**
 * Name and quantity patterns Kubernetes imposes, in one place (no imports): the values, the
 * constructs, the schema checks and the linter use these.
 */

/**
 * A resource.Quantity as apimachinery's parser (`resource.ParseQuantity`) accepts it: `100m`,
 * `128Mi`, `1.5`, `2e3`; an exponent is an integer (`1e2.5` is refused; the grammar comment in
 * quantity.go and the pattern controller-gen writes into CRDs allow it). Checked against kubectl's
 * parser by test/conventions/quantity.test.ts.
 */
export const QUANTITY_SOURCE = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$';
export const QUANTITY = new RegExp(QUANTITY_SOURCE);

/** The pattern controller-gen writes into CRDs for resource.Quantity fields (looser: decimal exponents). */
export const CRD_QUANTITY_SOURCE =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** RFC 1123 label: what Kubernetes requires of namespace, Service and label-like names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: what Kubernetes requires of most object names. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1035 label: Service names (start with a letter). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A qualified name: the name part of a label key, and a non-empty label value (at most 63 characters). */
export const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
