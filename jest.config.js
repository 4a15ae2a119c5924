// Tests run as ES modules straight from the TypeScript sources (swc strips the types), against the
// real Postgres, Kafka and Redis that infra/local starts. See README "Tests".
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/services/*/test/**/*.test.ts', '<rootDir>/simulators/*/test/**/*.test.ts', '<rootDir>/infra/helm/test/**/*.test.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/infra/jest/summary-reporter.js'],
  globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
};
