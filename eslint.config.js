// ESLint runs with typescript-eslint from tools/lint, on TypeScript 6's JS API: typescript-eslint
// does not load on TypeScript 7 yet (typescript-eslint#10940), while the project type-checks with 7.
import { createRequire } from 'node:module';
import boundaries from './tools/lint/boundaries.js';

const require = createRequire(`${import.meta.dirname}/tools/lint/package.json`);
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

export default tseslint.config(
  { ignores: ['node_modules/**', 'tools/**', 'data/**', 'dist/**', 'coverage/**', 'bin/**'] },
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
    // The engine is pure: no clock, no randomness, no environment (ENGINE.md).
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
);
