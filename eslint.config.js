// ESLint with typescript-eslint. typescript-eslint parses with TypeScript 6's JS API (it does not load on
// TypeScript 7 yet, typescript-eslint#10940): the package "typescript" is TypeScript 6 by an npm alias, while the
// project type-checks with TypeScript 7 ("typescript-7"); see docs/decisions.md.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './tools/lint/boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'tools/lint/node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { boundaries },
    rules: {
      'boundaries/imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-console': 'error',
    },
  },
  {
    // The engine is pure: no clock, no randomness, no environment (docs/specification.md).
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'Date', 'process', 'fetch', 'setTimeout', 'setInterval', 'performance'],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'the engine is deterministic: take a seed' },
      ],
    },
  },
  {
    // The console adapter, the CLI, benchmarks and scripts print to the terminal on purpose.
    files: ['src/platforms/console/**', 'src/cli/**', 'bench/**', 'test/**', 'src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Build and lint scripts run on Node.
    files: ['tools/**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
);
