// The three services "Find a payment" asks, out of the console's service clients by name.
import type { FindServices } from '../flows/find-payment.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function findServices(deps: RouteDeps): FindServices {
  const named = (name: string) => {
    const client = deps.outboxServices[name];
    if (client === undefined) throw new Error(`the console has no client for ${name}`);
    return client;
  };
  return { orchestration: named('payment-orchestration'), billing: named('billing'), notification: named('notification') };
}
