// Lint rules, including the layer boundaries: shared/ is pure, renderer/ never reaches the Node side,
// electron/ never reaches the UI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'url', 'stream'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'test-results/', 'playwright-report/', '.lab/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom', 'zustand', 'ssh2', 'ws', ...nodeBuiltins.filter((n) => !n.includes('*'))],
          patterns: [
            { group: ['node:*'], message: 'shared/ is pure: no Node built-ins.' },
            { group: ['**/electron/**', '**/renderer/**', '@xyflow/*', 'react*'], message: 'shared/ imports nothing outside itself but pure libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'ssh2', 'ws', ...nodeBuiltins.filter((n) => !n.includes('*'))],
          patterns: [
            { group: ['node:*'], message: 'renderer/ runs in the browser: no Node built-ins.' },
            { group: ['**/electron/**'], message: 'renderer/ talks to the Node side only through window.lvs.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['react', 'react-dom', 'zustand'], patterns: [{ group: ['**/renderer/**', '@xyflow/*'], message: 'electron/ never imports the UI.' }] },
      ],
    },
  },
);
