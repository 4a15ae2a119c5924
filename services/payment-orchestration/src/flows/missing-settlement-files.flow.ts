// The missing-settlement-file alert: a channel's business date with no matched settlement file once
// its deadline has passed (domain/reconciliation.ts, fileDeadlineOf) is announced as
// reconciliation.file-missing through the outbox, once per channel and day: the alert's row and its
// outbox row commit together, and the row's primary key makes every other replica, and every later
// pass or restart, find it raised already.
import { createEvent } from '@gateway/contracts';
import { enqueueEvent, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { daysPastFileDeadline, fileDeadlineOf } from '../domain/reconciliation.ts';
import { serviceName } from '../service-name.ts';
import { insertFileAlert, matchedDays } from '../store/pg-reconciliation-store.ts';

export type MissingFilesRequest = {
  channels: ChannelCatalogue;
  /** SETTLEMENT_FILE_DEADLINE: local time (HH:MM) on the day after the business date. */
  deadline: string;
  /** How many business dates back are looked at (a pass missed while the service was down still alerts). */
  days: number;
  now: Date;
  topic?: string | undefined;
};

export type MissingFiles = {
  /** Per channel, how many of the days looked at are past their deadline with no file. */
  overdue: Map<string, number>;
  /** The alerts this pass raised (none for a day raised before). */
  raised: { channelId: string; businessDate: string; deadline: Date }[];
};

export async function raiseMissingFileAlerts(pool: Pool, request: MissingFilesRequest): Promise<MissingFiles> {
  const timeZone = request.channels.timezone;
  const days = daysPastFileDeadline(request.now, request.deadline, timeZone, request.days);
  return withTransaction(pool, async (client) => {
    const result: MissingFiles = { overdue: new Map(), raised: [] };
    for (const { channelId } of request.channels.channels) {
      const matched = await matchedDays(client, channelId, days);
      const missing = days.filter((d) => !matched.has(d));
      result.overdue.set(channelId, missing.length);
      for (const businessDate of missing) {
        const deadline = fileDeadlineOf(businessDate, request.deadline, timeZone);
        if (!(await insertFileAlert(client, { channelId, businessDate, deadline, at: request.now }))) continue;
        await enqueueEvent(
          client,
          createEvent('reconciliation.file-missing', {
            producer: serviceName,
            key: channelId,
            correlationId: `settlement-file-${channelId}-${businessDate}`,
            occurredAt: request.now,
            payload: { channelId, businessDate, deadline: deadline.toISOString(), detectedAt: request.now.toISOString() },
          }),
          request.topic,
        );
        result.raised.push({ channelId, businessDate, deadline });
      }
    }
    return result;
  });
}
