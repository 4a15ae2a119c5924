// GET /stats: how often each fault actually hit a call since the start (dropped replies, delayed and
// abandoned calls, outage refusals), so a test can prove its fault met traffic. Never faulted.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ChannelState } from '../store/channel-state.ts';

export function statsReadRoute(state: ChannelState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/stats', { schema: { summary: 'Fault counters: what each fault did to real calls' } }, (_request, reply) => reply.send(state.faultCounters()));
  };
}
