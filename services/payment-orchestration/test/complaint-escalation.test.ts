// The turnaround clock (issue 15): a complaint not resolved by its due time is escalated by the job
// (complaint.escalated with reason 'due', an audit row by the clock, the Prometheus counter), once, even
// with two replicas sweeping at the same time; a resolved complaint and one still within its turnaround
// are left alone. wrong_amount gets a turnaround of 1 ms here, double_debit the default (3 days).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { ComplaintCreated, ComplaintView } from '@gateway/contracts';
import { testLogger, waitFor } from '@gateway/testkit';
import { Registry } from 'prom-client';
import { createComplaintEscalationSweeper } from '../src/jobs/complaint-escalation.sweeper.ts';
import { startHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { COMPLAINT_TURNAROUND_WRONG_AMOUNT: '1ms' } });
});
afterAll(async () => {
  await h?.close();
});

const file = async (type: string) => {
  const res = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: { type, msisdn: '+963944123456', description: 'The amount taken was not the bill’s.' } });
  expect(res.status).toBe(201);
  return res.body.complaintId;
};

it('escalates each open complaint past its due time once, with two replicas sweeping, and leaves the others', async () => {
  const overdue = [await file('wrong_amount'), await file('wrong_amount'), await file('wrong_amount')];
  const resolved = await file('wrong_amount');
  expect((await h.send('POST', `/v1/complaints/${resolved}/resolve`, { as: 'operator-console', body: { note: 'Refunded the difference.' } })).status).toBe(200);
  const withinTurnaround = await file('double_debit');
  // The harness's route clock stands at its start; the sweepers run on the real clock, past the 1 ms due time.
  const registry = new Registry();
  const replicas = [1, 2].map(() => createComplaintEscalationSweeper({ pool: h.db.pool, logger: testLogger('complaint-escalation'), registry, intervalMs: 20, batchSize: 1 }));
  for (const r of replicas) r.start();
  try {
    await waitFor(async () => {
      for (const id of overdue) {
        const res = await h.send<ComplaintView>('GET', `/v1/complaints/${id}`);
        if (res.body.status !== 'escalated') throw new Error(`${id} is ${res.body.status}`);
      }
      return true;
    });
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }

  const events = await h.db.pool.query<{ key: string; reason: string; by: string }>(
    `SELECT payload->>'key' AS key, payload->'payload'->>'reason' AS reason, payload->'payload'->>'escalatedBy' AS by
       FROM outbox WHERE payload->>'type' = 'complaint.escalated' ORDER BY id`,
  );
  expect(events.rows.map((r) => r.key).sort()).toEqual([...overdue].sort());
  expect(new Set(events.rows.map((r) => `${r.reason}/${r.by}`))).toEqual(new Set(['due/turnaround-clock']));
  const audit = await h.db.pool.query<{ target: string }>(`SELECT target FROM audit_log WHERE action = 'complaint.escalated' AND actor = 'turnaround-clock'`);
  expect(audit.rows.map((r) => r.target).sort()).toEqual([...overdue].sort());

  expect((await h.send<ComplaintView>('GET', `/v1/complaints/${resolved}`)).body.status).toBe('resolved');
  expect((await h.send<ComplaintView>('GET', `/v1/complaints/${withinTurnaround}`)).body.status).toBe('logged');
  const metric = await registry.getSingleMetric('payments_complaints_escalated_total')!.get();
  expect(metric.values).toEqual([expect.objectContaining({ labels: { type: 'wrong_amount' }, value: 3 })]);
});
