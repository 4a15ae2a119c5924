// The service's own retention job (kit's startInfrastructure schedules it next to the outbox and
// inbox ones): expired bill inquiries, INQUIRY_RETENTION past their expiry (pg-inquiry-store.ts says why).
import type { RetentionJob } from '@gateway/kit';
import type { Pool } from 'pg';
import type { PaymentOrchestrationConfig } from '../config.ts';
import { purgeExpiredInquiries } from '../store/pg-inquiry-store.ts';

export function inquiryRetentionJobs(pool: Pool, config: Pick<PaymentOrchestrationConfig, 'INQUIRY_RETENTION' | 'RETENTION_BATCH_SIZE'>): RetentionJob[] {
  return [{ table: 'inquiries', purge: () => purgeExpiredInquiries(pool, { olderThanMs: config.INQUIRY_RETENTION, batchSize: config.RETENTION_BATCH_SIZE }) }];
}
