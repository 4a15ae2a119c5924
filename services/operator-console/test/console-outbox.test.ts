import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpServer } from '@gateway/kit';
import { waitFor } from '@gateway/testkit';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;

type Listed = { services: { service: string; available: boolean; error?: string; rows: { eventId: string; type: string | null; topic: string; attempts: number; lastError: string | null; blockedBehind: number }[] }[] };

beforeAll(async () => {
  h = await startConsoleHarness();
  app = await h.build();
});
afterAll(async () => {
  await h?.close();
});

/**
 * A row the relay gave up on, as poison-rows.ts leaves it: parked, with its attempts and Kafka's error.
 * A key of its own, so the rows the other tests leave parked do not hold it back (per-key order).
 */
async function plantParkedRow(): Promise<string> {
  const eventId = randomUUID();
  await h.adapter.db.pool.query(
    `INSERT INTO outbox (event_id, topic, key, payload, attempts, last_error, parked_at)
     VALUES ($1, $2, $3, $4, 7, 'MESSAGE_TOO_LARGE', now())`,
    [eventId, h.adapter.topics.results, `pay-${eventId}`, JSON.stringify({ eventId, type: 'test.parked' })],
  );
  return eventId;
}

describe('parked outbox rows', () => {
  it('lists a row parked in the bank adapter to a viewer, and a service that does not answer as unavailable', async () => {
    const eventId = await plantParkedRow();
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<Listed>('GET', '/api/outbox/parked');
    expect(res.status).toBe(200);
    const adapter = res.body.services.find((s) => s.service === 'bank-adapter');
    expect(adapter).toMatchObject({ available: true });
    expect(adapter!.rows.find((r) => r.eventId === eventId)).toMatchObject({ type: 'test.parked', topic: h.adapter.topics.results, attempts: 7, lastError: 'MESSAGE_TOO_LARGE', blockedBehind: 0 });
    const billing = res.body.services.find((s) => s.service === 'billing');
    expect(billing).toMatchObject({ available: false, rows: [], error: expect.stringMatching(/^Billing is not answering/) });
  });

  it('refuses a viewer replaying a row (403) and the row stays parked', async () => {
    const eventId = await plantParkedRow();
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send('POST', `/api/outbox/bank-adapter/${eventId}/replay`);
    expect(res.status).toBe(403);
    expect((res.body as { error: { code: string } }).error.code).toBe('forbidden');
    const { rows } = await h.adapter.db.pool.query('SELECT 1 FROM outbox WHERE event_id = $1 AND parked_at IS NOT NULL', [eventId]);
    expect(rows).toHaveLength(1);
  });

  it('lets an operator replay a row: un-parked, published by the relay, audited with the person once; a double click is a 404', async () => {
    const eventId = await plantParkedRow();
    const b = browser(app);
    await b.signIn(h.users.operator);
    const first = await b.send('POST', `/api/outbox/bank-adapter/${eventId}/replay`);
    expect(first).toMatchObject({ status: 200, body: { eventId, status: 'unparked' } });
    // A double click: the row is no longer parked, so the second is a 404 and nothing is replayed twice.
    expect(await b.send('POST', `/api/outbox/bank-adapter/${eventId}/replay`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    await waitFor(async () => {
      const { rows } = await h.adapter.db.pool.query<{ published: boolean }>('SELECT published_at IS NOT NULL AS published FROM outbox WHERE event_id = $1 AND parked_at IS NULL', [eventId]);
      return rows[0]?.published === true;
    }, { message: 'the replayed row to be published' });
    const { rows } = await h.adapter.db.pool.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'outbox.replay' AND target = $1", [eventId]);
    expect(rows).toEqual([{ actor: `${h.consoleClientId}/${h.users.operator}` }]);
    const listed = await b.send<Listed>('GET', '/api/outbox/parked');
    expect(listed.body.services.find((s) => s.service === 'bank-adapter')!.rows.map((r) => r.eventId)).not.toContain(eventId);
  });

  it('answers 404 for an unknown service without calling anything', async () => {
    const b = browser(app);
    await b.signIn(h.users.admin);
    expect((await b.send('POST', `/api/outbox/no-such-service/${randomUUID()}/replay`)).status).toBe(404);
  });
});
