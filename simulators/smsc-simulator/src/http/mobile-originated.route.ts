// POST /mo: a subscriber sends an SMS to the gateway (a reply such as STOP): the SMSC passes it to a
// bound receiving ESME as a deliver_sm with esm_class 0. 409 when no ESME could receive it.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscServer } from '../smpp/smsc-server.ts';

// SMPP addresses are at most 20 characters; the text must fit one deliver_sm (message_payload if long).
const bodySchema = z.strictObject({
  from: z.string().min(1).max(21),
  to: z.string().min(1).max(21),
  text: z.string().min(1).max(1000),
});

export function mobileOriginatedRoute(smsc: SmscServer): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/mo', { schema: { summary: 'Deliver a mobile-originated message to a bound ESME', body: bodySchema } }, (request, reply) => {
      if (!smsc.sendMobileOriginated(request.body)) {
        return reply.code(409).send({ error: { code: 'no_bound_session', message: 'no ESME is bound to receive', requestId: request.id } });
      }
      request.log.info({ from: request.body.from, to: request.body.to }, 'mobile-originated message sent');
      return reply.code(202).send({ status: 'sent' });
    });
  };
}
