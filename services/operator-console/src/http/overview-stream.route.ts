// GET /api/overview/stream: the overview as server-sent events, for every role. An `overview` event
// with the whole snapshot at once and then whenever it changed (the hub sends at most one a second),
// and a comment line every 15 s so proxies keep the connection and the browser notices a dead one.
// The session guard checks the cookie when the stream opens; EventSource reconnects by itself, and
// each reconnection passes the guard again. A closed browser ends the stream here.
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerResponse } from 'node:http';
import type { OverviewSnapshot } from '../flows/overview.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export const heartbeatMs = 15_000;

function send(res: ServerResponse, snapshot: OverviewSnapshot): void {
  res.write(`event: overview\ndata: ${JSON.stringify(snapshot)}\n\n`);
}

export function overviewStreamRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    const open = new Set<() => void>();
    // Before the server closes: an open stream would otherwise hold the shutdown until its timeout.
    app.addHook('preClose', (done) => {
      for (const end of open) end();
      done();
    });

    app.get(
      '/api/overview/stream',
      { schema: { tags: ['overview'], summary: 'The live overview as server-sent events (text/event-stream)', response: errorResponses(401) } },
      (request, reply) => {
        requireSignedIn(request);
        const res = reply.raw;
        reply.hijack();
        // The headers fastify's hooks (helmet) set are on reply, not yet on the raw response.
        for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          // No buffering by a reverse proxy in front (nginx): each event must leave at once.
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n\n');
        send(res, deps.overview.snapshot());
        const unsubscribe = deps.overview.subscribe((snapshot) => send(res, snapshot));
        const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
        const end = () => {
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(end);
          if (!res.writableEnded) res.end();
        };
        open.add(end);
        request.raw.on('close', end);
        res.on('close', end);
      },
    );
  };
}
