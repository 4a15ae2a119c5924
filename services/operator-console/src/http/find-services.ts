// The console's service clients by name: the three services "Find a payment" asks, and payment
// orchestration alone for the screens over its operator routes.
import type { ServiceClient } from '../clients/service-client.ts';
import type { FindServices } from '../flows/find-payment.flow.ts';
import type { RouteDeps } from './route-deps.ts';

function named(deps: RouteDeps, name: string): ServiceClient {
  const client = deps.outboxServices[name];
  if (client === undefined) throw new Error(`the console has no client for ${name}`);
  return client;
}

export function findServices(deps: RouteDeps): FindServices {
  return { orchestration: named(deps, 'payment-orchestration'), billing: named(deps, 'billing'), notification: named(deps, 'notification') };
}

export function orchestrationOf(deps: RouteDeps): ServiceClient {
  return named(deps, 'payment-orchestration');
}
