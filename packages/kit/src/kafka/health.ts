import type { Kafka } from 'kafkajs';

/**
 * Readiness probe: resolves when a broker answers a cluster description within `timeoutMs`.
 * Uses its own short-lived admin with no retries, so a probe never outlives its timeout by much.
 */
export async function checkKafka(kafka: Kafka, timeoutMs = 3_000): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const probe = (async () => {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('kafka cluster reports no brokers');
  })();
  try {
    await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    // The probe may still be connecting after a timeout; disconnect once it settles, never leak it.
    void probe.catch(() => undefined).finally(() => admin.disconnect().catch(() => undefined));
  }
}
