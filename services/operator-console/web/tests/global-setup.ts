// Starts the real stack (stack.ts, a plain Node process) once for all browser tests and hands its
// addresses to them in STACK_INFO; the returned teardown stops it, which undoes everything it made.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The whole stack: its own Postgres, Redis and Kafka, then two simulators, four services and the console.
const READY_TIMEOUT_MS = 300_000;

// Playwright runs the global setup from its default export.
// eslint-disable-next-line no-restricted-syntax
export default async function globalSetup(): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', fileURLToPath(new URL('./stack.ts', import.meta.url))], {
    // stdin is a pipe the stack watches: if this process dies without the teardown, the stack undoes itself.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the stack was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('ready '));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice('ready '.length));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited with ${code} before it was ready:\n${output}`));
    });
  });
  process.env['STACK_INFO'] = info;
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}
