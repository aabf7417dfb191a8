const path = require('node:path');

/**
 * `npm run test:e2e`: the demo driven in headless Chromium, and the demo and emulator CLIs as
 * real processes. Its own config, so that `npm test` (no browser needed) does not run it.
 */
module.exports = {
  rootDir: path.join(__dirname, '..', '..'),
  displayName: 'e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/tests/integration/global-setup.js',
  testTimeout: 60000,
  slowTestThreshold: 60,
};
