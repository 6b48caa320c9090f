import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'manifest/build/**', 'tab/public/**', 'bench/results/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', document: 'readonly', window: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests inspect loose JSON (activities, cards) where `any` keeps assertions readable.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The domain core must stay free of Teams, HTTP and bot libraries.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['botbuilder*', 'restify*', '@microsoft/*', 'botframework-*'] }],
    },
  },
  {
    // Adapters talk to the core through its services only: no repository, no raw history or access
    // log, no audited-write plumbing. Types and helpers they need are exported from core/index.ts.
    files: ['bot/**/*.ts', 'tab/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/core/persistence', '**/core/persistence/*'], message: 'Adapters use core services (core/index.ts), never repositories.' },
            { group: ['**/core/audit/eventStore', '**/core/audit/chainStore', '**/core/audit/accessLog', '**/core/audit/auditedWrites', '**/core/audit/verifier'], message: 'Adapters use core services; the audit trail is written by the core.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...['caseRepository', 'agreementRepository', 'observationRepository', 'assessmentRepository', 'internals'].map((property) => ({ property, message: 'Adapters use core services, never repositories.' })),
      ],
    },
  },
);
