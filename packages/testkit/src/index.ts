// Test helpers for every package and service: real infrastructure (never mocks), one database per
// test file, unique Kafka names, event assertions and data builders.
export { testInfra, waitFor, isListening, repoRoot } from './infra.ts';
export type { TestInfra } from './infra.ts';
export { createTestDatabase } from './test-database.ts';
export type { TestDatabase, CreateTestDatabaseOptions } from './test-database.ts';
export { uniqueName } from './names.ts';
export { testLogger } from './logger.ts';
export { testKafka, createTestKafka, watchTopic, expectEvent } from './kafka.ts';
export type { TestKafka, RawMessage, SeenMessage, TopicWatcher, WatchOptions } from './kafka.ts';
export { startPrivateKafka } from './private-kafka.ts';
export type { PrivateKafka } from './private-kafka.ts';
export { startPrivatePostgres } from './private-postgres.ts';
export type { PrivatePostgres } from './private-postgres.ts';
export { startPrivateRedis } from './private-redis.ts';
export type { PrivateRedis } from './private-redis.ts';
export { anEvent } from './builders.ts';
export type { EventOverrides } from './builders.ts';
export { startServiceProcess, runToExit, serviceEnv, freePort } from './service-process.ts';
export { describeServiceBoot } from './boot-suite.ts';
export { describePostgresRestart } from './postgres-restart-suite.ts';
export type { ServiceProcess } from './service-process.ts';
