// Lint for the project's own code. Formatting is Prettier's job (`npm run format`), not eslint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.swarm/**', 'dist/**', 'test/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Neutralising control characters in user text and terminal output is part of the job.
      'no-control-regex': 'off',
    },
  },
  {
    // The dashboard's page script runs in the browser, Chart.js loaded beside it.
    files: ['client/dashboard/public/**'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        location: 'readonly',
        fetch: 'readonly',
        alert: 'readonly',
        prompt: 'readonly',
        EventSource: 'readonly',
        URLSearchParams: 'readonly',
        Chart: 'readonly',
      },
    },
  },
  {
    // Tests read providers' JSON request bodies as they come.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
