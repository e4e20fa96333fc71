/**
 * Entry point of the single-file CLI bundle (`npm run build` writes it next to the compiled
 * `cli.js`, see scripts/build-bundle.ts). Everything else loads lazily, as in `cli.ts`.
 */
export { runCli } from './cli';

/** Whether renders in this process use the generated schema validators (the build checks the bundle finds them). */
export function usesPrecompiledValidators(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../schema/schema-validation') as typeof import('../schema/schema-validation')).schemaValidator().usesPrecompiled;
}
