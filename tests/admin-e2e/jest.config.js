const path = require('node:path');

/**
 * `npm run test:admin-e2e`: the admin settings page in headless Chromium. Its own config, so that
 * `npm test` does not run it: it builds the playground's admin panel first (about a minute,
 * skipped while that build is up to date).
 */
module.exports = {
  rootDir: path.join(__dirname, '..', '..'),
  displayName: 'admin-e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/admin-e2e/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/tests/integration/global-setup.js',
  testTimeout: 60000,
  slowTestThreshold: 120,
};
