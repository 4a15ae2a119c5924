// Boots the real main.ts, as `npm start` will: one process, every channel of the channels file on its
// own port, SIGTERM exits 0; a bad channels file stops it at start with one line.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, runToExit } from '@gateway/testkit';

const entry = new URL('../src/main.ts', import.meta.url);
const shipped = JSON.parse(readFileSync(new URL('../config/channels.json', import.meta.url), 'utf8')) as { channels: { channelId: string; port: number; apiKey: string }[] };

function env(channelsFile: string): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], CHANNELS_FILE: channelsFile, LOG_LEVEL: 'warn' };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('channel-simulator boots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-simulator-'));
  let child: ChildProcess;
  let output = '';
  let channels: { channelId: string; port: number; apiKey: string }[];

  beforeAll(async () => {
    // The shipped file with free ports, so the test never collides with a running `npm start`.
    channels = await Promise.all(shipped.channels.map(async (c) => ({ ...c, port: await freePort() })));
    const file = join(dir, 'channels.json');
    writeFileSync(file, JSON.stringify({ ...shipped, channels: shipped.channels.map((c, i) => ({ ...c, port: channels[i]!.port })) }));
    child = spawn(process.execPath, [entry.pathname], { env: env(file), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (const channel of channels) {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`simulator exited with ${child.exitCode}:\n${output}`);
        if (await fetch(`http://127.0.0.1:${channel.port}/healthz`).then((r) => r.ok, () => false)) break;
        if (Date.now() > deadline) throw new Error(`simulator not ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves bank-alpha, wallet-one and wallet-two, each with its own kind and key', async () => {
    expect(channels.map((c) => c.channelId)).toEqual(['bank-alpha', 'wallet-one', 'wallet-two']);
    for (const channel of channels) {
      const base = `http://127.0.0.1:${channel.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/debits/dbt_x`)).status).toBe(401);
      expect((await fetch(`${base}/debits/dbt_x`, { headers: { 'x-api-key': channel.apiKey } })).status).toBe(404);
    }
    const [bankAlpha, walletOne] = channels;
    const debit = (port: number, key: string, payer: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/debits`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ reference: `boot-${Date.now()}`, payer, amount: { amount: 100, currency: 'SYP' }, description: 'boot test' }),
      });
    expect((await debit(bankAlpha!.port, bankAlpha!.apiKey, { accountNo: '0123456789' })).status).toBe(201);
    expect((await debit(walletOne!.port, walletOne!.apiKey, { msisdn: '+963912345678' })).status).toBe(202);
  });

  it('exits 0 on SIGTERM', async () => {
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('refuses to start with a bad channels file, naming the problem in one line', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ channels: [{ ...shipped.channels[0], port: 'eighty', apiKey: 'k' }] }));
    const run = await runToExit(entry, env(file));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('channel-simulator: invalid configuration');
    expect(lines[0]).toContain('CHANNELS_FILE.channels.0.port');
    expect(lines[0]).toContain('CHANNELS_FILE.channels.0.apiKey');

    const missing = await runToExit(entry, env(join(dir, 'nope.json')));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot be read as JSON');
  });
});
