// Liveness and readiness, kept apart on purpose: /healthz says the process runs (restart it if not),
// /readyz says its dependencies answer (stop routing traffic to it if not). A Postgres outage must
// never get a healthy process restarted in a loop, and must always take it out of rotation.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
  /** Overrides the server's readiness timeout for this check. */
  timeoutMs?: number;
}

const checkResultSchema = z.object({
  status: z.enum(['up', 'down', 'timeout']),
  durationMs: z.number(),
});
const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), checkResultSchema),
});
export type ReadinessReport = z.infer<typeof readinessSchema>;

class CheckTimeout extends Error {}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ status: 'up' | 'down' | 'timeout'; durationMs: number; error?: unknown }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { status: 'up', durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: error instanceof CheckTimeout ? 'timeout' : 'down', durationMs: Math.round(performance.now() - started), error };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(options: { readiness: readonly ReadinessCheck[]; timeoutMs: number }): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/healthz',
      { schema: { tags: ['operations'], summary: 'Liveness: the process is running', response: { 200: z.object({ status: z.literal('ok') }) } } },
      () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['operations'],
          summary: 'Readiness: every dependency answered within its timeout',
          response: { 200: readinessSchema, 503: readinessSchema },
        },
      },
      async (request, reply) => {
        const results = await Promise.all(options.readiness.map(async (c) => [c.name, await runCheck(c, c.timeoutMs ?? options.timeoutMs)] as const));
        const checks: ReadinessReport['checks'] = {};
        for (const [name, result] of results) {
          checks[name] = { status: result.status, durationMs: result.durationMs };
          // The reason goes to the log, not the body: /readyz is public and the reason names internal hosts.
          if (result.status !== 'up') request.log.warn({ check: name, status: result.status, err: result.error }, 'readiness check failed');
        }
        const ready = results.every(([, r]) => r.status === 'up');
        return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
      },
    );
  };
}
