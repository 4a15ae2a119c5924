// A subscriber's reply (a mobile-originated message): STOP or START in any of the accepted spellings
// changes their opt-out and queues one confirmation SMS, in one transaction; anything else is ignored.
// Idempotent, because the SMSC resends what it did not see acknowledged: a resent STOP is not a second
// change and gets no second confirmation.
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { normaliseMsisdn } from '../domain/msisdn.ts';
import { optCommandOf } from '../domain/opt-out-keywords.ts';
import type { OptCommand } from '../domain/opt-out-keywords.ts';
import { renderSms } from '../domain/sms-templates.ts';
import { contactLocaleOf } from '../store/pg-contact-store.ts';
import { enqueueSms } from '../store/pg-message-store.ts';
import { setOptOut } from '../store/pg-opt-out-store.ts';

export type ApplyOptCommandPorts = { pool: Pool; now: () => Date };

export type ApplyOptCommandResult =
  | { kind: 'ignored'; knownNumber: boolean }
  | { kind: 'applied'; command: OptCommand; msisdn: string; optedOut: boolean; queued: number };

export async function applyOptCommand(ports: ApplyOptCommandPorts, reply: { from: string; text: string }): Promise<ApplyOptCommandResult> {
  const command = optCommandOf(reply.text);
  const msisdn = normaliseMsisdn(reply.from);
  if (command === null || msisdn === null) return { kind: 'ignored', knownNumber: msisdn !== null };
  const optedOut = command === 'opt_out';
  const now = ports.now();
  const queued = await withTransaction(ports.pool, async (client) => {
    const change = await setOptOut(client, msisdn, optedOut, reply.text.trim().slice(0, 50), now);
    if (!change.changed) return 0;
    const locale = await contactLocaleOf(client, msisdn);
    return enqueueSms(client, [
      {
        // One confirmation per change: a resent STOP (the SMSC retrying) is not a second change.
        dedupeKey: `opt_out_confirmation:${change.historyId}:${msisdn}`,
        recipient: msisdn,
        template: 'opt_out_confirmation',
        locale,
        accountNo: null,
        sourceEventId: null,
        body: renderSms('opt_out_confirmation', locale, { optedOut }),
        urgent: true,
        notBefore: now,
        correlationId: null,
      },
    ]);
  });
  return { kind: 'applied', command, msisdn, optedOut, queued };
}
