import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { createPeriodicTask } from '../src/lifecycle/index.ts';
import { createLogger } from '../src/logger/index.ts';

// A pass the test ends by hand, so it can look at the loop while a pass is in progress.
function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'kit-periodic-task-test',
    destination: new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    }),
  });
  return { logger, lines };
}

describe('createPeriodicTask', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('waits intervalMs after a pass ends before the next, so passes never overlap', async () => {
    const { logger } = collectingLogger();
    const passes: ReturnType<typeof gate>[] = [];
    const task = createPeriodicTask({ name: 'test pass', intervalMs: 100, logger, run: () => (passes.push(gate()), passes.at(-1)!.done) });
    task.start();

    await jest.advanceTimersByTimeAsync(99);
    expect(passes).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(1);

    // A pass far longer than the interval: no second pass starts while it runs.
    await jest.advanceTimersByTimeAsync(1_000);
    expect(passes).toHaveLength(1);

    passes[0]!.open();
    await jest.advanceTimersByTimeAsync(99);
    expect(passes).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toHaveLength(2);
    passes[1]!.open();
    await task.stop();
  });

  it('runs the first pass at once with initialDelayMs 0, and start() twice is still one loop', async () => {
    const { logger } = collectingLogger();
    let runs = 0;
    const task = createPeriodicTask({ name: 'test pass', intervalMs: 100, initialDelayMs: 0, logger, run: () => Promise.resolve(void runs++) });
    task.start();
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    await task.stop();
  });

  it('logs a failed pass (a rejection or a synchronous throw) and still runs the next', async () => {
    const { logger, lines } = collectingLogger();
    let runs = 0;
    const task = createPeriodicTask({
      name: 'test pass',
      intervalMs: 100,
      logger,
      run: () => {
        runs += 1;
        if (runs === 1) return Promise.reject(new Error('database went away'));
        if (runs === 2) throw new Error('thrown before any await');
        return Promise.resolve();
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(300);
    expect(runs).toBe(3);
    expect(lines.filter((l) => l['level'] === 'error').map((l) => [l['task'], (l['err'] as { message: string }).message])).toEqual([
      ['test pass', 'database went away'],
      ['test pass', 'thrown before any await'],
    ]);
    await task.stop();
  });

  it('stop() cancels the next pass and waits for the one in progress', async () => {
    const { logger } = collectingLogger();
    let runs = 0;
    const pass = gate();
    const task = createPeriodicTask({ name: 'test pass', intervalMs: 100, initialDelayMs: 0, logger, run: () => (runs++, pass.done) });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);

    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    pass.open();
    await stopping;
    expect(stopped).toBe(true);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
  });

  it('restarted while stop() is still waiting for a pass, it does not start a second one beside it', async () => {
    const { logger } = collectingLogger();
    let active = 0;
    let most = 0;
    const gates: ReturnType<typeof gate>[] = [];
    const task = createPeriodicTask({
      name: 'test pass',
      intervalMs: 100,
      initialDelayMs: 0,
      logger,
      run: async () => {
        active += 1;
        most = Math.max(most, active);
        gates.push(gate());
        await gates.at(-1)!.done;
        active -= 1;
      },
    });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    const stopping = task.stop();
    task.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(gates).toHaveLength(1);

    gates[0]!.open();
    await stopping;
    await jest.advanceTimersByTimeAsync(100);
    expect(gates).toHaveLength(2);
    expect(most).toBe(1);
    gates[1]!.open();
    await task.stop();
  });
});
