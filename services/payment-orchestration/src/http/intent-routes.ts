// The payment-intent routes (gateway-initiated payments, for the citizen portal), as one plugin that
// app.ts mounts behind signature authentication next to the other routes of the service.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { OtpForwarder } from '../events/intent-otp-forwarder.ts';
import type { IntentTopics } from '../store/pg-intent-store.ts';
import { intentCancelRoute } from './intent-cancel.route.ts';
import { intentConfirmRoute } from './intent-confirm.route.ts';
import { intentCreateRoute } from './intent-create.route.ts';
import { intentGetRoute } from './intent-get.route.ts';
import type { RouteDeps } from './route-deps.ts';

export type IntentRouteDeps = RouteDeps & {
  /** Sends the OTP to the adapter without writing it anywhere (see intent-otp-forwarder.ts). */
  otpForwarder: OtpForwarder;
  /** How long the payer has to complete an intent (confirm the OTP); the channel is told too. */
  intentTtlMs?: number | undefined;
  /** Topics for intent events and channel commands; the catalogue's unless a test says otherwise. */
  topics?: IntentTopics | undefined;
};

export const defaultIntentTtlMs = 15 * 60_000;

export function intentRoutes(deps: IntentRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(intentCreateRoute(deps));
    await app.register(intentConfirmRoute(deps));
    await app.register(intentCancelRoute(deps));
    await app.register(intentGetRoute(deps));
  };
}
