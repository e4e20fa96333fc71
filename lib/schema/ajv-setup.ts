/**
 * The one Ajv configuration used both to compile validators at run time and to generate the
 * precompiled ones, so that both paths accept and reject exactly the same objects.
 * Ajv is loaded lazily: its import alone costs ~50 ms, which precompiled validators avoid.
 */
import type AjvType from 'ajv';
import { goRegExpEngine } from './patterns';

/** Bumped whenever the transforms or this configuration change: stale generated validators are ignored. */
export const VALIDATOR_FORMAT_VERSION = 1;

export function createAjv(options: { source: boolean }): AjvType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when validators are compiled
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv({
    allErrors: true,
    // The transformed schemas are generated, not hand-written: skip meta-validation (slow for
    // the 570 definitions) and the strict-mode lint, whose warnings would go to the console.
    validateSchema: false,
    strict: false,
    logger: false,
    // One function per referenced schema (V8 compiles only the ones a manifest reaches) and no
    // message strings in generated code (errors.ts writes messages from keyword and params).
    inlineRefs: false,
    messages: false,
    // Go/RE2 patterns (`(?i)`): the engine's source is copied into generated code.
    code: { source: options.source, regExp: goRegExpEngine() },
  });
}
