export { createShutdown } from './shutdown.ts';
export type { Shutdown, ShutdownOptions, ShutdownResult, ShutdownStep } from './shutdown.ts';
export { DependencyUnavailableError, configOrExit, describeStartupFailure, startupFailure } from './startup-failure.ts';
export type { StartupFailureOptions } from './startup-failure.ts';
export { runService } from './run-service.ts';
export type { RunServiceOptions } from './run-service.ts';
export { createPeriodicTask } from './periodic-task.ts';
export type { PeriodicTask, PeriodicTaskOptions } from './periodic-task.ts';
