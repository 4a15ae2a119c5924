import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeadLetterView, HttpServer } from '@gateway/kit';
import { anEvent, createTestKafka, testKafka, waitFor } from '@gateway/testkit';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

// The dead letters of the Outbox screen over the real bank adapter: its commands consumer dead-letters
// a message, its ledger stores it, and the console lists and replays it through the adapter's routes.
let h: ConsoleHarness;
let app: HttpServer;
const tk = createTestKafka(testKafka());

type Listed = { services: { service: string; available: boolean; error?: string; rows: DeadLetterView[] }[] };

beforeAll(async () => {
  h = await startConsoleHarness();
  await h.deadLetters.start();
  await h.deadLetters.joined();
  app = await h.build();
}, 60_000);
afterAll(async () => {
  await tk.close();
  await h?.close();
});

async function adapterRows(b: ReturnType<typeof browser>, state = 'open'): Promise<DeadLetterView[]> {
  const res = await b.send<Listed>('GET', `/api/dead-letters?state=${state}`);
  expect(res.status).toBe(200);
  return res.body.services.find((s) => s.service === 'bank-adapter')?.rows ?? [];
}

/** A dead letter of the adapter's commands group as its ledger stores it, of an event its handler ignores. */
async function plantHandlerDeadLetter(): Promise<string> {
  const event = anEvent('payment.completed');
  const { rows } = await h.adapter.db.pool.query<{ id: string }>(
    `INSERT INTO dead_letters (dlq_topic, dlq_partition, dlq_offset, message_key, message_value, reason, kind, original_topic,
       original_partition, original_offset, consumer_group, attempts, failed_at)
     VALUES ($1, 0, (random() * 1e12)::bigint, $2, $3, 'Error: the bank timed out', 'handler', $4, 0, 7, $5, 5, now())
     RETURNING id::text`,
    [`${h.adapter.topics.commands}.dlq`, Buffer.from(event.key), Buffer.from(JSON.stringify(event)), h.adapter.topics.commands, h.adapter.adapter.consumer.groupId],
  );
  return rows[0]!.id;
}

describe('dead letters', () => {
  it("lists the adapter's dead letter with its reason to a viewer, and a service that does not answer as unavailable", async () => {
    await tk.produce(h.adapter.topics.commands, [{ key: 'intent-dl-1', value: '{"not":"a command"}' }]);
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const row = await waitFor(async () => (await adapterRows(b)).find((r) => r.key === 'intent-dl-1'), { timeoutMs: 30_000, message: 'the dead letter on the screen' });
    expect(row).toMatchObject({ topic: h.adapter.topics.commands, group: h.adapter.adapter.consumer.groupId, kind: 'schema', attempts: 0, payload: '{"not":"a command"}', state: 'open' });
    expect(row.reason).not.toBe('');
    const res = await b.send<Listed>('GET', '/api/dead-letters');
    expect(res.body.services.find((s) => s.service === 'billing')).toMatchObject({ available: false, rows: [], error: expect.stringMatching(/^Billing is not answering/) });
  });

  it('refuses a viewer replaying (403); an operator replaying a message that fails its contract gets the refusal and the row stays open', async () => {
    const viewer = browser(app);
    await viewer.signIn(h.users.viewer);
    const row = await waitFor(async () => (await adapterRows(viewer)).find((r) => r.key === 'intent-dl-1'), { timeoutMs: 30_000 });
    expect((await viewer.send('POST', `/api/dead-letters/bank-adapter/${row.id}/replay`)).status).toBe(403);

    const operator = browser(app);
    await operator.signIn(h.users.operator);
    expect((await operator.send('POST', `/api/dead-letters/bank-adapter/${row.id}/replay`, undefined, { csrf: null })).status).toBe(403);
    const refused = await operator.send<{ error: { code: string; message: string } }>('POST', `/api/dead-letters/bank-adapter/${row.id}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/fails its contract/) });
    expect((await adapterRows(operator)).find((r) => r.id === row.id)).toMatchObject({ state: 'open', replayAttempts: 1, lastReplayError: expect.stringMatching(/fails its contract/) });
    expect((await operator.send('POST', '/api/dead-letters/nowhere/1/replay')).status).toBe(404);
  });

  it('lets an operator replay a dead letter through its group: replayed by the person, and a second click changes nothing', async () => {
    const id = await plantHandlerDeadLetter();
    const b = browser(app);
    await b.signIn(h.users.operator);
    const first = await b.send<{ deadLetter: DeadLetterView }>('POST', `/api/dead-letters/bank-adapter/${id}/replay`);
    expect(first.status).toBe(200);
    expect(first.body.deadLetter).toMatchObject({ id, state: 'replayed', replayedBy: `${h.consoleClientId}/${h.users.operator}`, replayAttempts: 1 });
    const second = await b.send<{ deadLetter: DeadLetterView }>('POST', `/api/dead-letters/bank-adapter/${id}/replay`);
    expect(second.status).toBe(200);
    expect(second.body.deadLetter).toEqual(first.body.deadLetter);
    expect((await adapterRows(b, 'replayed')).map((r) => r.id)).toContain(id);
    const { rows } = await h.adapter.db.pool.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'dead-letter.replay' AND target = $1", [id]);
    expect(rows).toEqual([{ actor: `${h.consoleClientId}/${h.users.operator}` }]);
  });
});
