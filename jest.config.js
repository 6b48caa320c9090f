/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core', '<rootDir>/bot', '<rootDir>/tab', '<rootDir>/app', '<rootDir>/test', '<rootDir>/manifest', '<rootDir>/infra'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  // The adaptivecards `lib/` entry is ESM and fails under Jest; the UMD bundle works.
  moduleNameMapper: {
    '^adaptivecards$': '<rootDir>/node_modules/adaptivecards/dist/adaptivecards.js',
    // strip-bom 5 (needed by @microsoft/app-manifest) is ESM-only; a CommonJS copy of its one function.
    '^strip-bom$': '<rootDir>/test/harness/stripBom.cjs',
  },
  globalSetup: '<rootDir>/test/harness/globalSetup.ts',
  globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
