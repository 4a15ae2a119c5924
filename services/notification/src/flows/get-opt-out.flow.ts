// One subscriber's opt-out state and its history (when and how it changed), so an operator can
// answer "why do I get no SMS?".
import type { Queryable } from '@gateway/kit';
import { optOutOf } from '../store/pg-opt-out-store.ts';
import type { OptOutState } from '../store/pg-opt-out-store.ts';

/** `msisdn` is the E.164 number the opt-outs are stored under. */
export async function getOptOut(ports: { db: Queryable }, msisdn: string): Promise<OptOutState> {
  return optOutOf(ports.db, msisdn);
}
