import type { IHeaders } from 'kafkajs';

/**
 * Headers added to a dead-lettered message. The value and key stay exactly as they were, so an
 * operator can replay the message to its original topic unchanged (docs/design.md: visible and
 * replayable from the dashboard).
 */
export const dlqHeaders = {
  reason: 'dlq-reason',
  /** `schema` (failed its contract, never retried) or `handler` (threw on every attempt). */
  kind: 'dlq-kind',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  attempts: 'dlq-attempts',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
} as const;

export type DeadLetterKind = 'schema' | 'handler';

/** Kafka header values arrive as Buffers (or arrays of them); our headers are single UTF-8 strings. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

// Kafka has no size limit on a header, but a DLQ record must stay well under the broker's message
// limit even when a handler threw an error with a huge message.
export function truncateReason(reason: string, max = 4_000): string {
  return reason.length <= max ? reason : `${reason.slice(0, max)}… (${reason.length - max} more characters)`;
}
