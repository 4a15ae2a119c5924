// Boots the real main.ts, as `npm start` will: SMPP and HTTP on their ports, a bind and a submit
// round trip, SIGTERM exits 0; bad configuration stops it at start with one line.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import smpp from 'smpp';
import { freePort, runToExit } from '@gateway/testkit';
import { connectClient } from './smsc-fixture.ts';

const entry = new URL('../src/main.ts', import.meta.url);

function env(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], LOG_LEVEL: 'warn', ...overrides };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('smsc-simulator boots', () => {
  let child: ChildProcess;
  let output = '';
  let smppPort: number;
  let base: string;

  beforeAll(async () => {
    // Free ports, so the test never collides with a running `npm start`.
    smppPort = await freePort();
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    child = spawn(process.execPath, [entry.pathname], {
      env: env({ SMPP_PORT: String(smppPort), HTTP_PORT: String(httpPort), SMSC_PASSWORD: 'boot-secret', DELIVERY_DELAY_MS: '50' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`simulator exited with ${child.exitCode}:\n${output}`);
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`simulator not ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('takes a bind and a submit over SMPP, sends the receipt, and lists the message over HTTP', async () => {
    const client = await connectClient(smppPort);
    try {
      const bind = await client.request('bind_transceiver', { system_id: 'notification', password: 'boot-secret' });
      expect(bind.command_status).toBe(smpp.ESME_ROK);
      expect(bind['system_id']).toBe('gateway');
      const resp = await client.request('submit_sm', {
        destination_addr: '963911000100',
        dest_addr_ton: 1,
        registered_delivery: 1,
        short_message: Buffer.from('boot'),
      });
      expect(resp.command_status).toBe(smpp.ESME_ROK);
      expect((await client.nextDeliver())['receipted_message_id']).toBe(resp['message_id']);
      const body = (await (await fetch(`${base}/messages?to=%2B963911000100`)).json()) as { messages: { text: string }[] };
      expect(body.messages.map((m) => m.text)).toEqual(['boot']);
    } finally {
      client.session.destroy();
    }
  });

  it('exits 0 on SIGTERM, even with a session bound', async () => {
    const client = await connectClient(smppPort);
    await client.request('bind_transceiver', { system_id: 'notification', password: 'boot-secret' });
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    await client.closed;
  });

  it('refuses to start with bad configuration, naming it in one line', async () => {
    const run = await runToExit(entry, env({ SMPP_PORT: 'eighty', DELIVERY_DELAY_MS: 'soon' }));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('smsc-simulator: invalid configuration');
    expect(lines[0]).toContain('SMPP_PORT must be');
    expect(lines[0]).toContain('DELIVERY_DELAY_MS must be');
  });
});
