// Starts a fault-suite stack (chaos/stack.ts) and keeps it up until Ctrl-C, for trying a part of the
// suite by hand: node chaos/up.ts [--data-dir .data/chaos-up] [--keep-data]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChaosStack } from './stack.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string', default: '.data/chaos-up' }, 'keep-data': { type: 'boolean', default: false } } });
const dataDir = path.resolve(values['data-dir']);

const stack = await startChaosStack({ dataDir });
const databases = (['billing', 'payments', 'bank_adapter', 'notification'] as const).map((db) => `  ${db.padEnd(22)}${stack.databaseUrl(db)}`);
console.log(`
  billing               ${stack.urls.billing}
  payment-orchestration ${stack.urls.orchestration}
  bank-adapter          ${stack.urls.bankAdapter}
  notification          ${stack.urls.notification}
  bank-alpha            ${stack.urls.channels['bank-alpha']}
  wallet-one            ${stack.urls.channels['wallet-one']}
  wallet-two            ${stack.urls.channels['wallet-two']}
  smsc (HTTP)           ${stack.urls.smsc}
${databases.join('\n')}
  kafka                 ${stack.kafka.brokers.join(',')} (SASL ${stack.kafka.sasl.mechanism} ${stack.kafka.sasl.username}/${stack.kafka.sasl.password})
  redis                 ${stack.redisUrl}
  logs                  ${stack.logDir}

  Ctrl-C stops everything${values['keep-data'] ? '' : ' and deletes ' + dataDir}.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping the chaos stack`);
    stack.stop({ keepData: values['keep-data'] }).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
// Keeps the event loop alive until a signal.
setInterval(() => undefined, 1 << 30);
