/**
 * Regular expressions shared by the schema transforms (which turn OpenAPI `format`s into
 * `pattern`s, so that generated validators need no format plug-ins) and by the object checks,
 * plus the shim that lets Ajv compile Go (RE2) patterns such as `^(?i)(abort|warn)?$`.
 */

import { CRD_QUANTITY_SOURCE, QUANTITY_SOURCE } from '../conventions/patterns';

/** Kubernetes resource.Quantity, as the API server parses it (for built-in kinds). */
export const QUANTITY_PATTERN = QUANTITY_SOURCE;

/** RFC 3339 date-time, as Go's time.RFC3339 parser accepts it (metav1.Time, `format: date-time`). */
export const DATE_TIME_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

/** RFC 3339 full-date (`format: date`). */
export const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

/**
 * Standard base64 with padding (`format: byte`, e.g. Secret `data`). Go's decoder skips `\r` and
 * `\n`, so line breaks are tolerated anywhere.
 */
export const BASE64_PATTERN =
  '^[\\r\\n]*((([A-Za-z0-9+/][\\r\\n]*){4})*(([A-Za-z0-9+/][\\r\\n]*){2}=[\\r\\n]*=|([A-Za-z0-9+/][\\r\\n]*){3}=)?)[\\r\\n]*$';

/** Friendly names for the patterns above, used to turn `must match pattern "…"` into prose. */
export const PATTERN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [QUANTITY_PATTERN]: 'a Kubernetes quantity such as "100m", "128Mi" or "1.5"',
  [CRD_QUANTITY_SOURCE]: 'a Kubernetes quantity such as "100m", "128Mi" or "1.5"',
  [DATE_TIME_PATTERN]: 'an RFC 3339 date-time such as "2024-01-31T12:00:00Z"',
  [DATE_PATTERN]: 'an RFC 3339 date such as "2024-01-31"',
  [BASE64_PATTERN]: 'base64-encoded data',
};

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;


/**
 * Source of the RegExp engine given to Ajv (`code.regExp`). It is kept as text because Ajv's
 * standalone code generation copies `engine.code` verbatim into the generated module, so the
 * generated validators carry the shim and need nothing else at run time.
 *
 * Go (RE2) accepts inline flag groups; JavaScript does not. A `(?i)` anywhere in the pattern is
 * removed and the whole expression becomes case-insensitive (exact for the usual `^(?i)…` and
 * `(?i)…` forms; an approximation when the flag is scoped to a later group). `(?s)` maps to the
 * `s` flag likewise. If the result still does not compile with the `u` flag, it is retried
 * without it; an expression JavaScript cannot compile at all matches everything rather than
 * crashing validation (the API server, not this tool, is the authority on such patterns).
 */
export const GO_REGEXP_ENGINE_SOURCE = `(function goRegExp(pattern, flags) {
  var f = flags || "";
  var p = pattern;
  if (p.indexOf("(?") !== -1) {
    p = p.replace(/\\(\\?([imsU]+)\\)/g, function (_m, fl) {
      if (fl.indexOf("i") !== -1 && f.indexOf("i") === -1) f += "i";
      if (fl.indexOf("s") !== -1 && f.indexOf("s") === -1) f += "s";
      return "";
    });
  }
  try { return new RegExp(p, f); } catch (e1) {
    try { return new RegExp(p, f.replace("u", "")); } catch (e2) { return { test: function () { return true; } }; }
  }
})`;

export interface RegExpEngine {
  (pattern: string, flags: string): { test(s: string): boolean };
  code: string;
}

let engine: RegExpEngine | undefined;

/** The engine as a function (for runtime compilation), carrying its source as `code` (for standalone code). */
export function goRegExpEngine(): RegExpEngine {
  if (!engine) {
    // eslint-disable-next-line no-new-func -- compiles our own engine source, once
    const fn = new Function(`return ${GO_REGEXP_ENGINE_SOURCE};`)() as RegExpEngine;
    fn.code = GO_REGEXP_ENGINE_SOURCE;
    engine = fn;
  }
  return engine;
}
