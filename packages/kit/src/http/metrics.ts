// Prometheus metrics for an HTTP service: the process defaults plus one request-duration histogram
// labelled by route pattern (never the raw URL: account numbers in paths would explode the series
// count and leak into the metrics store).
import { Histogram, collectDefaultMetrics } from 'prom-client';
import type { Metric, Registry } from 'prom-client';

export const HTTP_DURATION_METRIC = 'http_request_duration_seconds';

// A registry shared with other parts of the service (the breaker factory, a second server in a test)
// must not get the same metric twice: prom-client throws on duplicate names.
export function ensureDefaultMetrics(registry: Registry): void {
  if (registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register: registry });
  }
}

export function httpDurationHistogram(registry: Registry): Histogram<'method' | 'route' | 'status_code'> {
  const existing = registry.getSingleMetric(HTTP_DURATION_METRIC);
  if (existing instanceof Histogram) return existing;
  return new Histogram({
    name: HTTP_DURATION_METRIC,
    help: 'Duration of HTTP requests in seconds, by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    // Channel calls must answer within a few seconds; buckets are dense below one second.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/**
 * The metric `name` in `registry` if a part of the service sharing it already registered it, else
 * the one `create` makes (registered there, or nowhere without a registry). prom-client throws on a
 * second registration, and several consumers, dispatchers or test instances share one registry.
 */
export function sharedMetric<T extends Metric>(registry: Registry | undefined, name: string, create: (registers: Registry[]) => T): T {
  return (registry?.getSingleMetric(name) as T | undefined) ?? create(registry === undefined ? [] : [registry]);
}
