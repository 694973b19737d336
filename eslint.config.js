// ESLint flat config: type-aware rules everywhere, and no Node built-ins in code that runs in the workflow sandbox.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.cordon/**',
      '.tools/**',
      'bin/**',
      'eslint.config.js',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Handlers implement Promise-returning ports; many have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON from stand-ins and histories; the assertions are the type check there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Workflow code is deterministic and sandboxed: it must not reach the file system, the network or the clock.
    files: ['workflows/**/*.ts', 'dsl/expressions.ts', 'dsl/plan.ts', 'dsl/duration.ts', 'dsl/canonical-json.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Node built-ins are not available in the workflow sandbox.',
          })),
        },
      ],
    },
  },
);
