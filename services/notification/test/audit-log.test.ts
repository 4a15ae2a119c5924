// Notification mounts kit's GET /v1/audit-log over its own audit_log: a campaign an operator
// schedules is read back there (kit's audit-log-routes test covers paging and filters).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AuditRowView } from '@gateway/kit';
import { startOperatorApi } from './support/operator-api.ts';
import type { OperatorApi } from './support/operator-api.ts';

let api: OperatorApi;
beforeAll(async () => {
  api = await startOperatorApi({ name: 'notification-audit-log' });
});
afterAll(async () => {
  await api?.close();
});

it('GET /v1/audit-log answers the campaign.create row to an operator client, and only to one', async () => {
  const created = await api.send<{ campaignId: string }>('POST', '/v1/campaigns', {
    body: { name: 'audit wiring', text: { ar: 'ادفع فاتورتك إلكترونياً' }, segment: { governorates: ['nowhere'] } },
  });
  expect(created.status).toBe(201);
  const res = await api.send<{ entries: AuditRowView[] }>('GET', '/v1/audit-log?action=campaign.create');
  expect(res.status).toBe(200);
  expect(res.body.entries).toEqual([expect.objectContaining({ actor: api.operator, action: 'campaign.create', target: created.body.campaignId })]);
  expect((await api.send('GET', '/v1/audit-log', { as: 'portal' })).status).toBe(403);
});
