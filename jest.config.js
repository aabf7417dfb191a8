/** Two levels, one command: pure/service tests, then a real Strapi booted from dev/playground/. */
const tsJest = ['ts-jest', {}];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/tests/integration/global-setup.js',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60000,
};
