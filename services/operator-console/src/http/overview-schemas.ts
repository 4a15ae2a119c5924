// The overview snapshot as GET /api/overview answers it and GET /api/overview/stream sends it.
import { z } from 'zod';

const channelAmount = z.object({ channelId: z.string(), currency: z.string(), count: z.number().int(), amount: z.number().int().describe('Minor units.') });

export const overviewSnapshotSchema = z.object({
  generatedAt: z.string(),
  feed: z.object({ connected: z.boolean(), error: z.string().nullable() }).describe('The Kafka event feed the per-minute figures come from.'),
  paymentsPerMinute: z
    .array(z.object({ minute: z.string(), count: z.number().int(), byChannel: z.array(channelAmount) }))
    .describe('payment.completed by minute of occurredAt, the last 60 minutes, oldest first.'),
  settlementLag: z
    .object({ samples: z.number().int(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() })
    .describe('payment.completed → the bill.settled naming it last, for bills settled in the last 5 minutes.'),
  channels: z
    .array(
      z.object({
        channelId: z.string(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        successRate: z.number().nullable(),
        p95LatencyMs: z.number().nullable(),
        pushed: z.number().int(),
      }),
    )
    .describe('Last 15 minutes: intents succeeded ÷ (succeeded + failed), p95 of createdAt → outcome; payments pushed by the channel.'),
  lastEventAt: z.string().nullable(),
  intents: z.object({ source: z.enum(['orchestration', 'events']), counts: z.record(z.string(), z.number().int()) }),
  consumerLag: z.object({
    available: z.boolean(),
    error: z.string().nullable(),
    services: z.array(z.object({ service: z.string(), lag: z.number().int(), groups: z.array(z.object({ groupId: z.string(), lag: z.number().int() })) })),
  }),
  outbox: z.array(
    z.object({
      service: z.string(),
      available: z.boolean(),
      unpublished: z.number().int(),
      oldestUnpublishedAt: z.string().nullable(),
      parked: z.number().int(),
      error: z.string().nullable(),
    }),
  ),
  deadLetters: z.object({
    open: z
      .object({
        total: z.number().int(),
        services: z.array(z.object({ service: z.string(), available: z.boolean(), open: z.number().int(), more: z.boolean(), error: z.string().nullable() })),
      })
      .describe("Open rows of each service's dead-letter ledger (one page of 200 at most each; `more` when there are more)."),
    topics: z
      .object({ available: z.boolean(), error: z.string().nullable(), total: z.number().int(), topics: z.array(z.object({ topic: z.string(), messages: z.number().int() })) })
      .describe('Messages kept on the `*.dlq` topics (replayed ones included), from Kafka offsets.'),
  }),
});
