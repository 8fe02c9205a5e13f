const transform = {
  '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: false }],
};
// middy ships ESM only, so it is transformed too.
const transformIgnorePatterns = ['node_modules/(?!@middy)'];

/** @type {import('jest').Config} */
module.exports = {
  // Generous: a test waits for conditions, and on a busy shared machine a saga with cold functions is slow.
  testTimeout: 180000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__/unit'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      // Integration, end-to-end and template tests share one offline stack and one compiled template.
      displayName: 'stack',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__/integration', '<rootDir>/__tests__/e2e', '<rootDir>/__tests__/template'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
    },
  ],
};
