// GET /api/settings (admin; 403 for a viewer or an operator): the console's effective settings that are
// safe to show, and whether each service answers (flows/settings.flow.ts).
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readSettings } from '../flows/settings.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

const settingsSchema = z.object({
  consoleClientId: z.string(),
  sessionIdleTimeoutMs: z.number(),
  sessionMaxAgeMs: z.number(),
  sessionCookieSecure: z.boolean(),
  signInMaxFailures: z.number(),
  signInLockoutMs: z.number(),
  serviceTimeoutMs: z.number(),
  consoleAuditMaxEntries: z.number(),
  serviceUrls: z.record(z.string(), z.string()),
  operators: z.array(z.object({ username: z.string(), displayName: z.string(), role: z.enum(['viewer', 'operator', 'admin']) })),
  services: z.array(z.object({ service: z.string(), url: z.string(), reachable: z.boolean(), error: z.string().optional() })),
});

export function settingsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/settings',
      { schema: { tags: ['settings'], summary: "The console's settings and the services' reachability (admin role)", response: { 200: settingsSchema, ...errorResponses(401, 403) } } },
      async (request) => readSettings({ settings: deps.settings, operators: deps.operators, services: deps.outboxServices }, requireSignedIn(request).operator),
    );
  };
}
