/**
 * `npm run test:admin-e2e`: the admin settings page in a real Chromium. Not part of `npm test`:
 * it builds the playground's admin panel first (about a minute, skipped when up to date).
 */
module.exports = {
  displayName: 'admin-e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/admin-e2e/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/tests/integration/global-setup.js',
  testTimeout: 60000,
  slowTestThreshold: 120,
};
