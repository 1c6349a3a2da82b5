// Lint rules, including the layer boundaries: shared/ is pure, renderer/ never reaches the Node side,
// electron/ never reaches the UI, electron/services and electron/cli never load Electron, and no
// import cycles anywhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

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
    // Cycles make module order matter and layers blur; the CLI loads its commands with a computed
    // import(), so those edges are invisible here (and each command is a leaf anyway).
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver()],
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      // Imported modules are parsed too (to follow the cycle): TypeScript needs its parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
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
  {
    // The zone that runs without Electron (lvsd, lvsd serve, tests): plain Node only.
    files: ['electron/services/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'react',
            'react-dom',
            'zustand',
            {
              name: 'electron',
              message:
                'electron/services and electron/cli are plain Node (the CLI and lvsd serve use them): only electron/main and electron/preload import electron.',
            },
          ],
          patterns: [
            { group: ['**/renderer/**', '@xyflow/*'], message: 'electron/ never imports the UI.' },
            { group: ['electron/*'], message: 'electron/services and electron/cli are plain Node: no electron/* modules.' },
            { group: ['**/main/**', '**/preload/**'], message: 'electron/services and electron/cli never import the Electron main or preload code.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportExpression[source.value='electron']", message: "electron/services and electron/cli are plain Node: no import('electron')." },
        {
          selector: "CallExpression[callee.name='require'][arguments.0.value='electron']",
          message: "electron/services and electron/cli are plain Node: no require('electron').",
        },
      ],
    },
  },
);
