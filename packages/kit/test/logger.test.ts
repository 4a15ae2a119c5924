import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { waitFor } from '@gateway/testkit';
import { createLogger, maskAccountNumber, maskMsisdn, redactUrl } from '../src/logger/index.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = () => chunks.join('');
  return { stream, text, lines: () => text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A node process that logs through createLogger to its real stdout (a pipe), then runs `then`. */
function loggingProcess(then: string) {
  const logger = new URL('../src/logger/create-logger.ts', import.meta.url).pathname;
  const script = `import { createLogger } from ${JSON.stringify(logger)};
    const log = createLogger({ service: 'probe' });
    for (let i = 0; i < 3; i++) log.info({ i }, 'line');
    ${then}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, lines: () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger on stdout (buffered, not written line by line)', () => {
  it('writes what it holds when the process exits, even straight after logging', async () => {
    const probe = loggingProcess('process.exit(0);');
    expect(await probe.exited).toBe(0);
    expect(probe.lines().map((l) => l['i'])).toEqual([0, 1, 2]);
  });

  it('does not hold a few lines back while the process keeps running', async () => {
    const probe = loggingProcess('setInterval(() => undefined, 1000);');
    try {
      await waitFor(() => probe.lines().length === 3 || undefined, { message: 'the three lines on stdout' });
      expect(probe.lines().map((l) => l['msg'])).toEqual(['line', 'line', 'line']);
    } finally {
      probe.child.kill('SIGKILL');
      await probe.exited;
    }
  });
});

describe('createLogger', () => {
  it('writes JSON lines carrying the service name and level label', () => {
    const out = capture();
    createLogger({ service: 'billing', destination: out.stream }).info({ billId: 'b-1' }, 'bill issued');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'billing', level: 'info', billId: 'b-1', msg: 'bill issued' });
  });

  it('never writes secrets, OTPs, PINs, signatures or credentials, at any depth', () => {
    const out = capture();
    const log = createLogger({ service: 'bank-adapter', destination: out.stream });
    log.info(
      {
        otp: '918273',
        request: {
          headers: { Authorization: 'Bearer tok-SECRET-1', signature: 'sig1=:c2lnLVNFQ1JFVC0y:', 'Signature-Input': 'sig1=("@method");keyid="SECRET-3"' },
          body: { payer: { pin: '4321', password: 'SECRET-4' }, items: [{ deep: { nested: { secret: 'SECRET-5', apiKey: 'SECRET-6' } } }] },
        },
      },
      'calling the channel',
    );
    log.child({ otp: 'SECRET-7' }).warn({ confirm: { otp: '564738' } }, 'confirming');
    const err = Object.assign(new Error('channel refused'), { config: { headers: { authorization: 'SECRET-8' } }, pin: '1234' });
    log.error({ err }, 'failed');
    const text = out.text();
    for (const secret of ['918273', 'SECRET-1', 'c2lnLVNFQ1JFVC0y', 'SECRET-3', '4321', 'SECRET-4', 'SECRET-5', 'SECRET-6', 'SECRET-7', '564738', 'SECRET-8', '"1234"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('channel refused');
  });

  it('keeps only the last digits of account numbers and masks MSISDNs, including in request URLs', () => {
    const out = capture();
    const log = createLogger({ service: 'payment-orchestration', destination: out.stream });
    log.info({ accountNo: '0114567890', payer: { accountNo: '12345678901234', msisdn: '+963912345678' }, bills: [{ accountNumber: '0219876543' }] }, 'payment');
    log.info({ req: { method: 'GET', url: '/v1/bills?billerId=syt&accountNo=0114567890' } }, 'request');
    const [payment, request] = out.lines();
    expect(payment).toMatchObject({
      accountNo: '******7890',
      payer: { accountNo: '**********1234', msisdn: '+9639*****678' },
      bills: [{ accountNumber: '******6543' }],
    });
    expect((request?.req as { url: string }).url).toBe('/v1/bills?billerId=syt&accountNo=******7890');
    expect(out.text()).not.toContain('0114567890');
    expect(out.text()).not.toContain('963912345678');
  });

  it('leaves ordinary values alone', () => {
    const out = capture();
    createLogger({ service: 'billing', destination: out.stream }).info({ period: { from: '2026-01-01', to: '2026-02-28' }, key: 'bill-42', amount: 150000 }, 'ok');
    expect(out.lines()[0]).toMatchObject({ period: { from: '2026-01-01', to: '2026-02-28' }, key: 'bill-42', amount: 150000 });
  });

  it('masking helpers', () => {
    expect(maskAccountNumber('0114567890')).toBe('******7890');
    expect(maskAccountNumber('1234')).toBe('****');
    expect(maskMsisdn('0944123456')).toBe('0944***456');
    expect(maskMsisdn('not a phone')).toBe('not a phone');
    expect(redactUrl('/v1/payments/p-1')).toBe('/v1/payments/p-1');
  });
});
