// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, without type
// information (fast; `npm run typecheck` does the type checking). Run by `npm run lint:code`
// (`npm run lint` is the release linter). Disable comments must name a rule configured here and
// say why (`-- reason`); unused ones are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'imports/', 'vendor/', 'node_modules/', '.cache/', 'cdk.out/', 'test/fixtures/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The compiler already reports unused locals and parameters (noUnusedLocals/Parameters).
      '@typescript-eslint/no-unused-vars': 'off',
      'no-new-func': 'error',
      'no-new-wrappers': 'error',
      'no-eval': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Tests walk untyped rendered YAML and match literal diff and YAML indentation.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      'no-regex-spaces': 'off',
    },
  },
);
