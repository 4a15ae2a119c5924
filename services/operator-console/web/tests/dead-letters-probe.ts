// Publishes one raw message to a topic of the browser stack's Kafka, as its admin (super user), for
// the dead-letters browser test: a message no service can read, which its consumer dead-letters.
// A plain Node script, like outbox-probe.ts.
//   STACK_KAFKA='{"brokers":[...],"sasl":{...}}' node dead-letters-probe.ts <topic> <key> <value>
import kafkajs from 'kafkajs';
import type { SASLOptions } from 'kafkajs';

const [topic, key, value] = process.argv.slice(2);
if (!topic || !key || value === undefined) throw new Error('usage: dead-letters-probe.ts <topic> <key> <value> (STACK_KAFKA in the environment)');
const { brokers, sasl } = JSON.parse(process.env['STACK_KAFKA'] ?? 'null') as { brokers: string[]; sasl: SASLOptions };

const kafka = new kafkajs.Kafka({ clientId: 'dead-letters-probe', brokers, sasl, logLevel: kafkajs.logLevel.NOTHING });
const producer = kafka.producer();
await producer.connect();
try {
  await producer.send({ topic, acks: -1, messages: [{ key, value }] });
  process.stdout.write(`${JSON.stringify({ topic, key })}\n`);
} finally {
  await producer.disconnect();
}
