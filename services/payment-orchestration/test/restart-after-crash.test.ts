// Issue 13 (fault suite): after a SIGKILL the restarted service answered HTTP only once its consumers
// had joined their groups, and the group coordinator holds that join until the dead member's session
// has timed out: a bank's POST /v1/payments was refused for the whole session timeout although taking
// a payment needs no consumer. Now main.ts listens first and starts the consumers after. Proven by
// order, not by time: the restarted instance answers while its groups still list the dead member.
// The session timeout here is long (60 s) so that a slow boot on a busy machine still comes well
// before the coordinator evicts the dead member.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signRequest } from '@gateway/kit';
import type { ClientsFile } from '@gateway/kit';
import { createTestDatabase, serviceEnv, startServiceProcess, testKafka, uniqueName, waitFor } from '@gateway/testkit';
import type { ServiceProcess, TestDatabase } from '@gateway/testkit';
import type { Admin } from 'kafkajs';

const entry = new URL('../src/main.ts', import.meta.url);
const groupIds = {
  BILL_READ_MODEL_GROUP_ID: uniqueName('restart-read-model'),
  CHANNEL_HEALTH_GROUP_ID: uniqueName('restart-health'),
  CHANNEL_RESULTS_GROUP_ID: uniqueName('restart-channel-results'),
};
const clientId = `bank-alpha-${randomUUID().slice(0, 8)}`;
const secret = randomBytes(32).toString('base64');

let db: TestDatabase;
let admin: Admin;
let clientsDir: string;
let env: NodeJS.ProcessEnv;
const procs: ServiceProcess[] = [];

type Group = { groupId: string; state: string; memberIds: string[] };

async function groups(): Promise<Group[]> {
  const { groups: described } = await admin.describeGroups(Object.values(groupIds));
  return described.map((g) => ({ groupId: g.groupId, state: g.state, memberIds: g.members.map((m) => m.memberId) }));
}

/** Every group stable with exactly one member, none of them in `not`; undefined until then. */
async function stableWithOneMember(not: string[] = []): Promise<Group[] | undefined> {
  const now = await groups();
  const settled = now.every((g) => g.state === 'Stable' && g.memberIds.length === 1 && !not.includes(g.memberIds[0]!));
  return settled ? now : undefined;
}

async function signedGet(base: string, path: string): Promise<number> {
  const url = `${base}${path}`;
  const headers: Record<string, string> = { ...(await signRequest({ method: 'GET', url, keyId: clientId, secret })) };
  return (await fetch(url, { headers })).status;
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = testKafka().admin();
  await admin.connect();
  clientsDir = mkdtempSync(join(tmpdir(), 'restart-clients-'));
  const clients: ClientsFile = [{ clientId, kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: clientId, secret }] }];
  writeFileSync(join(clientsDir, 'clients.json'), JSON.stringify(clients));
  env = serviceEnv({
    DATABASE_URL: db.url,
    CLIENTS_FILE: join(clientsDir, 'clients.json'),
    BILLS_TOPIC: uniqueName('restart-bills'),
    CHANNEL_RESULTS_TOPIC: uniqueName('restart-results'),
    ...groupIds,
    KAFKA_SESSION_TIMEOUT: '60s',
  });
}, 60_000);

afterAll(async () => {
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  await admin?.disconnect();
  await db?.drop();
  if (clientsDir) rmSync(clientsDir, { recursive: true, force: true });
}, 60_000);

describe('payment orchestration restarted after a SIGKILL', () => {
  it('answers its API while its consumer groups still wait out the dead member, and its consumers join once it is gone', async () => {
    const first = await startServiceProcess(entry, env);
    procs.push(first);
    // The first instance's three consumers have joined: each group is stable with one member.
    const before = await waitFor(() => stableWithOneMember(), { timeoutMs: 60_000, intervalMs: 250, message: 'the first instance in its groups' });
    const dead = before.map((g) => g.memberIds[0]!);

    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    // Longer than the session timeout, so code that waits for the groups fails the assertions below
    // rather than this start.
    const second = await startServiceProcess(entry, env, 150_000);
    procs.push(second);
    // /readyz answered 200 (startServiceProcess waits for it), and so does the API...
    expect(await signedGet(second.baseUrl, '/v1/billers')).toBe(200);
    // ...while every group still lists the dead member: the API did not wait for the groups.
    const during = await groups();
    expect(during.map((g) => ({ groupId: g.groupId, hasDeadMember: g.memberIds.includes(dead[before.findIndex((b) => b.groupId === g.groupId)]!) }))).toEqual(
      before.map((g) => ({ groupId: g.groupId, hasDeadMember: true })),
    );

    // The consumers still start: once the dead member's session is over, the new instance replaces it.
    await waitFor(() => stableWithOneMember(dead), { timeoutMs: 120_000, intervalMs: 500, message: 'the restarted instance in its groups' });
    expect(await signedGet(second.baseUrl, '/v1/billers')).toBe(200);
    expect(await second.stop()).toBe(0);
  }, 420_000);
});
