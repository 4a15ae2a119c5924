// Billing mounts kit's GET /v1/audit-log over its own migrated audit_log (kit's audit-log-routes test
// covers paging and filters; this one only that the route is wired to this service's table).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { appendAudit } from '@gateway/kit';
import type { AuditRowView } from '@gateway/kit';
import { startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

it("GET /v1/audit-log answers billing's audit rows to an operator client, and only to one", async () => {
  await appendAudit(h.db.pool, { actor: 'operator-console/alice', action: 'late-fee.waive', target: 'bill-1', detail: { reason: 'billing error' } });
  const res = await h.send<{ entries: AuditRowView[] }>('GET', '/v1/audit-log?limit=5', { as: 'operator' });
  expect(res.status).toBe(200);
  expect(res.body.entries[0]).toMatchObject({ actor: 'operator-console/alice', action: 'late-fee.waive', target: 'bill-1', detail: { reason: 'billing error' } });
  expect((await h.send('GET', '/v1/audit-log', { as: 'biller' })).status).toBe(403);
});
