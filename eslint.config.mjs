// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', '.serverless/', '.esbuild/', '.orderflow/', 'coverage/', 'bench/results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Error']",
          message: 'Throw a typed error class, not a bare Error.',
        },
      ],
    },
  },
  {
    // The domain is pure: no AWS SDK, no I/O, nothing of ours outside src/domain.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'node:*', 'fs', 'http', 'https', 'net'],
              message: 'The domain does no I/O.',
            },
            {
              group: [
                '../../adapters/*',
                '../../handlers/*',
                '../../local/*',
                '**/adapters/**',
                '**/handlers/**',
                '**/local/**',
              ],
              message: 'The domain imports only the domain.',
            },
          ],
        },
      ],
    },
  },
  {
    // The application layer (use cases) and the ports it names: the domain and the ports, no I/O of its own.
    files: ['src/application/**/*.ts', 'src/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '**/adapters/**', '**/adapters', '**/handlers/**', '**/handlers'],
              message:
                'The application knows stores only through src/ports; handlers call it, not the reverse.',
            },
            {
              group: ['**/local/**', '**/local'],
              message: 'Product code never imports the offline runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // Handlers go through the application to change an order: they do not decide, fold or append themselves.
    files: ['src/handlers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '../../domain/orders',
              importNames: ['decide', 'evolve', 'foldEvents', 'toEnvelopes'],
              message: 'Load, decide and append through src/application (loadOrder, handleCommand).',
            },
          ],
          patterns: [
            {
              group: ['**/local/**', '**/local'],
              message: 'Product code never imports the offline runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // Product code never knows it runs offline.
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/local/**', '**/local'],
              message: 'Product code never imports the offline runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // CommonJS files the tools load with require(): jest's config and the Serverless Framework plugin.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __filename: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // The Serverless Framework instantiates plugins as classes.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
);
