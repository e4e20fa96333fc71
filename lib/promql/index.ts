/**
 * A small typed PromQL builder over the metrics catalog (`vector.ts`: the typed core; `builder.ts`:
 * selectors checked against the catalog; `operators.ts`: functions and operators).
 *
 * Every expression of the rules and the dashboard is built here, so that mistakes the spec's
 * own queries make are build-time errors (`CatalogError`) instead of silent dashboards:
 * - a metric or a label that is not in the catalog, a matcher on a value a closed label never has;
 * - `by` on a label the aggregated series do not carry;
 * - `rate()` of a gauge, a range over something that is not a selector;
 * - a vector/vector operation whose sides carry different labels, or keep a label one side
 *   filters on and the other does not (the spec's `rate(x{outcome="failure"}[5m]) / rate(x[5m])`);
 * - `histogram_quantile` without `le`, and comparisons that can never be true, such as a
 *   quantile compared with a threshold at or above the histogram's largest finite bucket.
 */
export * from './vector';
export * from './builder';
export * from './operators';
