/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // lib/ too, so that coverage lists the files no test loads.
  roots: ['<rootDir>/test', '<rootDir>/lib'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Types are checked once by `npm run typecheck` (in CI), not again per test file.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 30000,
  // `npm run coverage`: our sources only (not the generated imports/), reported against the
  // TypeScript lines through ts-jest's source maps.
  collectCoverageFrom: ['<rootDir>/lib/**/*.ts'],
  coverageDirectory: '<rootDir>/coverage',
  coverageReporters: ['text-summary', 'text', 'lcov'],
  // Both cores: jest's default (cores - 1) runs the suites one at a time on a 2-core machine.
  maxWorkers: '100%',
};
