// The Outbox screen's dead letters: every service's dead-lettered messages (its dead-letter ledger,
// GET /v1/dead-letters) side by side, and replaying one through the consumer group that failed it.
// A service that does not answer is shown as unavailable with one line, so one service down never
// hides the others' rows. The live overview counts the open rows from the same list.
import { ApiError } from '@gateway/contracts';
import type { DeadLetterView } from '@gateway/kit';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export type ServiceDeadLetters = { service: string; available: boolean; rows: DeadLetterView[]; error?: string };

export type DeadLettersDeps = { outboxServices: Record<string, ServiceClient> };

export type ListDeadLettersOptions = {
  /** Who is looking (x-operator-person); the console's own reads (the overview) name nobody. */
  person?: string;
  state?: 'open' | 'replayed';
  /** Rows per service, newest first (the services' page size: 1..200). */
  limit?: number;
};

// A name the signed header accepts ([A-Za-z0-9._-]) for the console's own reads; nothing is audited on a GET.
const consolePerson = 'operator-console';

export async function listDeadLetters(deps: DeadLettersDeps, options: ListDeadLettersOptions = {}): Promise<{ services: ServiceDeadLetters[] }> {
  const query = new URLSearchParams({ state: options.state ?? 'open', limit: String(options.limit ?? 100) });
  const services = await Promise.all(
    Object.entries(deps.outboxServices).map(async ([service, client]): Promise<ServiceDeadLetters> => {
      try {
        const { deadLetters } = await client.call<{ deadLetters: DeadLetterView[] }>('GET', `/v1/dead-letters?${query.toString()}`, { person: options.person ?? consolePerson });
        return { service, available: true, rows: deadLetters };
      } catch (error) {
        return { service, available: false, rows: [], error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return { services };
}

/**
 * The service runs the message through the group that failed it and answers the row replayed (a
 * second click finds it replayed and changes nothing), or 409 with why it failed again.
 */
export async function replayDeadLetter(deps: DeadLettersDeps, operator: Operator, request: { service: string; id: string }): Promise<{ deadLetter: DeadLetterView }> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Replaying a dead letter needs the operator role.');
  const client = Object.hasOwn(deps.outboxServices, request.service) ? deps.outboxServices[request.service] : undefined;
  if (client === undefined) throw new ApiError('not_found', `No service is called ${request.service}.`);
  return client.call('POST', `/v1/dead-letters/${encodeURIComponent(request.id)}/replay`, { person: operator.username });
}
