// The channel API behind the key check and the faults, in one encapsulated scope so the guard's hooks
// touch these routes only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './api-context.ts';
import { installApiGuard } from './api-guard.ts';
import { confirmDebitRoute } from './confirm-debit.route.ts';
import { createDebitRoute } from './create-debit.route.ts';
import { findDebitRoute } from './find-debit.route.ts';
import { getDebitRoute } from './get-debit.route.ts';
import { reverseDebitRoute } from './reverse-debit.route.ts';
import { settlementFileRoute } from './settlement-file.route.ts';

export function channelApi(context: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    installApiGuard(app, context);
    for (const route of [createDebitRoute, confirmDebitRoute, getDebitRoute, findDebitRoute, reverseDebitRoute, settlementFileRoute]) {
      await app.register(route(context));
    }
  };
}
