// A configuration problem is an operator mistake, not a bug: it carries one line that names every bad
// or missing variable, so `startupFailure` can print it without a stack trace.
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
